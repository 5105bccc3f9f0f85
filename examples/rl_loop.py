"""An RL-style loop over ConsultationEnv: epsilon-greedy Monte-Carlo control over a small action menu.

The state is just the turn number, so the agent learns "what to do at turn t" for one case: a toy, but
it exercises the whole interface (reset, step, shaped rewards, terminations, the judge's final score).

    .venv/bin/python examples/rl_loop.py --episodes 30 --db sqlite:///rl.db
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict

from agentsim import Ask, ConsultationEnv, Diagnose, Examine, Order, RewardConfig

MENU = [
    Ask(question="When did the pain start, and what were you doing?"),
    Ask(question="What does the pain feel like, and does it spread anywhere?"),
    Ask(question="Do you smoke, and does heart disease run in your family?"),
    Ask(question="Any medical conditions or regular medicines?"),
    Examine(request="cardiovascular examination"),
    Order(tests=["ECG", "troponin"]),
    Diagnose(diagnosis="STEMI", differential=["aortic dissection"]),
    Diagnose(diagnosis="pulmonary embolism"),
    Diagnose(diagnosis="acute pericarditis"),
]


def label(index: int) -> str:
    action = MENU[index]
    text = getattr(action, "question", None) or getattr(action, "request", None) or getattr(action, "diagnosis", "")
    if hasattr(action, "tests"):
        text = ", ".join(action.tests)
    return f"{action.action}: {text[:40]}"


def main(argv: list[str] | None = None) -> list[float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", default="chest-pain-stemi")
    parser.add_argument("--episodes", type=int, default=30)
    parser.add_argument("--max-turns", type=int, default=8)
    parser.add_argument("--epsilon", type=float, default=0.3, help="chance of a random action")
    parser.add_argument("--seed", type=int, default=0, help="seeds the policy and the patient's noise")
    parser.add_argument("--db", default=None, help="log every episode here (SQLite path or URL)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    # Q[turn][action]: mean return seen after taking `action` at `turn` (every-visit Monte Carlo)
    q: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(MENU))
    n: dict[int, list[int]] = defaultdict(lambda: [0] * len(MENU))
    # 1 for a correct diagnosis; shaping: each $100 costs 0.01, the whole must-ask history is worth 0.3
    reward = RewardConfig(final="correct", cost_per_usd=1e-4, coverage_bonus=0.3)
    returns: list[float] = []
    with ConsultationEnv(args.case, max_turns=args.max_turns, seed=args.seed, db=args.db, reward=reward,
                         doctor_name="rl-epsilon-greedy") as env:
        for episode in range(args.episodes):
            obs = env.reset()
            trajectory: list[tuple[int, int, float]] = []
            done, info = False, {}
            while not done:
                diagnoses = [i for i, a in enumerate(MENU) if isinstance(a, Diagnose)]
                allowed = diagnoses if obs.final_turn else range(len(MENU))  # the last turn must diagnose
                if rng.random() < args.epsilon:
                    choice = rng.choice(list(allowed))
                else:
                    choice = max(allowed, key=lambda i: (q[obs.turn][i], rng.random()))  # random tie-break
                turn = obs.turn
                obs, r, done, info = env.step(MENU[choice])
                trajectory.append((turn, choice, r))
            g = 0.0
            for turn, choice, r in reversed(trajectory):  # undiscounted return from each step
                g += r
                n[turn][choice] += 1
                q[turn][choice] += (g - q[turn][choice]) / n[turn][choice]
            returns.append(sum(r for *_, r in trajectory))
            score = info["score"]
            print(f"episode {episode + 1:3d}  return {returns[-1]:+.3f}  {info['termination'].value:<10} "
                  f"likert {score.diagnosis.likert}  cost ${score.cost.total:,.0f}  turns {len(trajectory)}")
    greedy: list[int] = []
    for t in range(args.max_turns):  # what the learnt policy would do, up to its first diagnosis
        greedy.append(max(range(len(MENU)), key=lambda i: q[t][i]))
        if isinstance(MENU[greedy[-1]], Diagnose):
            break
    print("greedy policy:", " -> ".join(label(i) for i in greedy))
    tail = returns[-5:]
    print(f"mean return, last {len(tail)} episodes: {sum(tail) / len(tail):+.3f}")
    return returns


if __name__ == "__main__":
    main()
