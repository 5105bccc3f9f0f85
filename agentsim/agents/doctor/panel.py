"""PanelDoctor: MAI-DxO's virtual panel of doctors, deliberating once per turn as a LangGraph subgraph.

Each turn runs, inside `act`:

    hypothesis -> test_chooser -> challenger -> stewardship -> checklist -> consensus -> one action
                      ^                                            |
                      +---- another round while Dr Checklist finds problems (max_rounds) ----+

* Dr Hypothesis keeps a top-3 differential with probabilities, updated every turn;
* Dr Test-Chooser proposes at most `max_tests_per_order` tests that best discriminate;
* Dr Challenger looks for anchoring and contradicting evidence;
* Dr Stewardship approves or vetoes each proposed test, at its catalogue price (and, with
  `budget_tracking`, against what is left of the budget);
* Dr Checklist checks the plan, handed the deterministic findings (names the catalogue does not know,
  tests already done);
* the panel chair turns the deliberation into ONE action through a tool call (tagged text with tools=false).

The final turn skips straight from Dr Hypothesis to the chair, who must diagnose. `question_only` is
MAI-DxO's question-only variant: no Test-Chooser, no Stewardship, and only ask or diagnose.

Every member is one gateway call: its system prompt is the panel's shared section plus its own, and its
user message is the panel's shared notes (append-only for the whole consultation, so each member's prompt
prefix is stable and cacheable) followed by its task. A member's unusable JSON (or the chair's unusable
action) gets one repair prompt; a second raises DoctorOutputError, which the engine logs as doctor_error.
The chair's action is also held to the panel's decisions in code: vetoed or repeated tests are dropped,
and a question-only panel may not examine or order.

Options (`--doctor-opt key=value`): everything the llm doctor's settings take (model, api_base, timeout,
...), plus budget_tracking, question_only, max_rounds (default 2), tools (default true) and a model per
member: hypothesis_model, test_chooser_model, challenger_model, stewardship_model, checklist_model,
consensus_model (each defaults to `model`).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from pydantic import ValidationError

from agentsim.agents.base import Doctor, DoctorFailed, EpisodeAborted
from agentsim.agents.doctor.llm import SETTING_KEYS, DoctorOutputError
from agentsim.agents.doctor.llm_actions import FORCE_DIAGNOSIS, parse, tool_schemas
from agentsim.agents.doctor.panel_members import MEMBERS, SCHEMAS, TITLES, MemberReply, PriceList
from agentsim.agents.loading import as_flag
from agentsim.agents.options import PanelOptions
from agentsim.errors import FatalError, UserError
from agentsim.llm.gateway import LLMSettings, complete
from agentsim.llm.prompts import prompt_set_hash, render
from agentsim.llm.structured import parse_json, response_format
from agentsim.model.action import Action, Ask, Diagnose, DoctorTurn, Examine, Observation, Order
from agentsim.model.usage import Usage

PANEL_OPTIONS = ("budget_tracking", "question_only", "max_rounds", "tools",
                 *(f"{m}_model" for m in MEMBERS))


class PanelState(TypedDict, total=False):
    round: int
    final: bool
    question_only: bool
    loop: bool
    differential: list[dict[str, Any]]
    proposed: list[str]
    approved: list[str]
    vetoed: list[dict[str, str]]
    challenge: dict[str, Any]
    issues: list[str]  # Dr Checklist's findings in the latest round
    flagged: Annotated[list[str], operator.add]  # every round's findings, for the record
    action: Action


@dataclass
class PanelTurn:
    """What one turn's deliberation depends on: the graph's runtime context."""

    doctor: PanelDoctor
    obs: Observation
    usage: Usage

    @property
    def number(self) -> int:
        return self.obs.turn + 1


class PanelDoctor(Doctor):
    name = "panel"

    def __init__(self, *, budget_tracking: bool | str = False, question_only: bool | str = False,
                 max_rounds: int | str = 2, tools: bool | str = True, **options: Any):
        member_models = {m: options.pop(f"{m}_model", None) for m in MEMBERS}
        unknown = sorted(set(options) - SETTING_KEYS)
        if unknown:
            raise UserError(f"unknown panel doctor option(s) {', '.join(unknown)}; known: "
                            f"{', '.join(PANEL_OPTIONS)}, {', '.join(sorted(SETTING_KEYS))}")
        self.settings = LLMSettings.resolve("doctor", options)
        self.model = self.settings.model
        # frozen settings: a member with its own model gets a copy differing in the model alone
        self.member_settings = {m: self.settings.model_copy(update={"model": str(model)}) if model else self.settings
                                for m, model in member_models.items()}
        self.budget_tracking = as_flag(budget_tracking)
        self.question_only = as_flag(question_only)
        self.use_tools = as_flag(tools)
        try:
            self.max_rounds = PanelOptions(max_rounds=max_rounds).max_rounds
        except ValidationError as exc:
            raise UserError(f"the panel doctor's max_rounds: {exc.errors()[0]['msg']}") from None
        self.prompt_hash = prompt_set_hash()
        self.prices = PriceList()
        self.notes: list[str] = []
        self.ordered: dict[str, str] = {}  # catalogue id (or the name, lower-cased) -> the name ordered

    async def reset(self, brief: str) -> None:
        self.notes, self.ordered = [], {}

    # -- one turn ------------------------------------------------------------------------------------------
    async def act(self, obs: Observation) -> DoctorTurn:
        turn = PanelTurn(self, obs, Usage(model=self.model))
        try:
            return await self._turn(turn)
        except (FatalError, EpisodeAborted):
            raise
        except Exception as exc:  # a failing turn still reports what it spent
            raise DoctorFailed(exc, usage=turn.usage) from exc

    async def _turn(self, turn: PanelTurn) -> DoctorTurn:
        obs = turn.obs
        self._observe(obs)
        state: PanelState = {"round": 1, "final": obs.final_turn, "question_only": self.question_only}
        result = await panel_graph().ainvoke(state, context=turn, config={"recursion_limit": 10 + 6 * self.max_rounds})
        action: Action = result["action"]
        self.notes.append(render("panel", "action", turn=turn.number, action=_describe(action)))
        if isinstance(action, Order):
            self.ordered.update({self.key(t): t for t in action.tests})
        deliberation = {
            "differential": result.get("differential", []), "proposed": result.get("proposed", []),
            "approved": result.get("approved", []), "vetoed": result.get("vetoed", []),
            "challenge": result.get("challenge"), "issues": list(dict.fromkeys(result.get("flagged", []))),
            "rounds": result["round"],
        }
        return DoctorTurn(action=action, usage=turn.usage, deliberation=deliberation)

    async def member(self, turn: PanelTurn, member: str, task: str, *, round: int | None = None) -> Any:
        """One member's JSON answer, repaired once; its summary goes into the shared notes."""
        schema = SCHEMAS[member]
        messages = [{"role": "system", "content": self._system(turn.obs, member)},
                    {"role": "user", "content": self._shared(task)}]
        out: MemberReply | None = None
        problem: str | None = ""
        raw = ""
        for attempt in (1, 2):
            completion = await complete(messages, settings=self.member_settings[member],
                                        response_format=response_format(schema, f"panel_{member}"))
            self._spent(turn, member, completion)
            out, problem = parse_json(completion.text, schema)
            if out is not None:
                break
            raw = completion.raw()
            if attempt == 1:
                messages += [{"role": "assistant", "content": raw},
                             {"role": "user", "content": render("panel", "repair_json", problem=problem)}]
        if out is None:
            raise DoctorOutputError(f"{TITLES[member]}'s reply is unusable after one repair prompt ({problem}); "
                                    f"raw output: {raw[:300]!r}")
        self.notes.append(render("panel", "member", title=TITLES[member], turn=turn.number,
                                 round=f", round {round}" if round and round > 1 else "", summary=out.summary()))
        return out

    async def decide(self, turn: PanelTurn, task: str, state: PanelState) -> Action:
        """The chair's one action, held to the panel's decisions; repaired once."""
        obs = turn.obs
        tools = [t for t in tool_schemas(obs.max_tests_per_order)
                 if not self.question_only or t["function"]["name"] in ("ask_patient", "give_diagnosis")]
        messages = [{"role": "system", "content": self._system(obs, "consensus")},
                    {"role": "user", "content": self._shared(task)}]
        choice = FORCE_DIAGNOSIS if obs.final_turn and self.use_tools else None
        problem: str | None = ""
        raw = ""
        for attempt in (1, 2):
            completion = await complete(messages, settings=self.member_settings["consensus"],
                                        tools=tools if self.use_tools else None, tool_choice=choice)
            self._spent(turn, "consensus", completion)
            action, problem = parse(completion, obs.max_tests_per_order)
            if action is not None:
                action, problem = self._held(action, obs, state)
            if action is not None:
                return action
            raw = completion.raw()
            if attempt == 1:  # the faulty output goes back as text: a dangling tool call would need a reply
                messages += [{"role": "assistant", "content": raw},
                             {"role": "user", "content": render("panel", "repair_action", problem=problem,
                                                                how=self._how(obs.final_turn))}]
        raise DoctorOutputError(f"the panel chair's output is not a valid action after one repair prompt "
                                f"({problem}); raw output: {raw[:300]!r}")

    def _held(self, action: Action, obs: Observation, state: PanelState) -> tuple[Action | None, str | None]:
        if obs.final_turn and not isinstance(action, Diagnose):
            return None, "this is the final turn: the panel must give its diagnosis"
        if self.question_only and isinstance(action, Examine | Order):
            return None, "this panel may only ask the patient questions or give the diagnosis"
        if not isinstance(action, Order):
            return action, None
        skip = {self.key(v["test"]) for v in state.get("vetoed", [])} | set(self.ordered)
        kept = []
        for test in action.tests:  # vetoed, already done, or the same test twice in this order: dropped
            if self.key(test) not in skip:
                kept.append(test)
                skip.add(self.key(test))
        if not kept:
            return None, (f"every test in it ({', '.join(action.tests)}) was vetoed by Dr Stewardship or has "
                          "already been ordered")
        return (action if kept == action.tests else Order(tests=kept)), None

    # -- notes and prompts ---------------------------------------------------------------------------------
    def _observe(self, obs: Observation) -> None:
        budget = f" of ${obs.budget:.0f}" if self.budget_tracking and obs.budget is not None else ""
        status = render("panel", "status", turn=obs.turn + 1, max_turns=obs.max_turns, spent=f"{obs.spent:.0f}",
                        budget=budget)
        if not self.notes:
            self.notes.append(render("panel", "start", brief=obs.brief, opening=obs.reply or "", status=status))
            return
        speaker = (obs.transcript[-1].role if obs.transcript else "patient").replace("gatekeeper", "examiner")
        self.notes.append(render("panel", "turn", speaker=speaker.capitalize(), reply=obs.reply or "(no reply)",
                                 status=status))

    def _system(self, obs: Observation, member: str) -> str:
        variant = ""
        if self.question_only:
            variant += " " + render("panel", "question_only")
        if self.budget_tracking and obs.budget is not None:
            variant += " " + render("panel", "budget", budget=f"{obs.budget:.0f}")
        shared = render("panel", "system", max_turns=obs.max_turns, max_tests_per_order=obs.max_tests_per_order,
                        variant=variant)
        own = render("panel", member, max_tests_per_order=obs.max_tests_per_order, how=self._how(False))
        if member == "consensus" and not self.use_tools:
            own += "\n\n" + render("doctor", "tagged")
        return f"{shared}\n\n{own}"

    def _shared(self, task: str) -> str:
        return "\n\n".join(self.notes) + "\n\n---\n" + task

    def _spent(self, turn: PanelTurn, member: str, completion: Any) -> None:
        turn.usage.add(completion.usage(), member=member)

    def _how(self, final: bool) -> str:
        if self.use_tools:
            return "call give_diagnosis" if final else "call exactly one tool"
        return "use the <diagnosis> tags" if final else "use exactly one kind of tag"

    def key(self, test: str) -> str:
        """What makes two test names the same test: the catalogue id, else the name itself."""
        return self.prices.key(test) or " ".join(test.lower().split())

    def ordered_text(self) -> str:
        return "; ".join(self.ordered.values()) or "none"


def _describe(action: Action) -> str:
    if isinstance(action, Ask):
        return f"ask: {action.question}"
    if isinstance(action, Examine):
        return f"examine: {action.request}"
    if isinstance(action, Order):
        return f"order: {'; '.join(action.tests)}"
    return f"diagnose: {action.diagnosis}"


def _leading(state: PanelState) -> str:
    ranked = state.get("differential") or []
    if not ranked:
        return "none yet"
    first, rest = ranked[0], ranked[1:]
    alternatives = "; ".join(f"{c['diagnosis']} ({c['probability']:.0%})" for c in rest)
    return f"{first['diagnosis']} ({first['probability']:.0%})" + (f"; alternatives: {alternatives}" if rest else "")


# -- the subgraph's nodes: each returns a partial PanelState -------------------------------------------------
Ctx = Runtime[PanelTurn]


async def hypothesis(state: PanelState, runtime: Ctx) -> PanelState:
    t = runtime.context
    out = await t.doctor.member(t, "hypothesis", render("panel", "hypothesis_task", turn=t.number))
    return {"differential": [c.model_dump() for c in out.differential]}


async def test_chooser(state: PanelState, runtime: Ctx) -> PanelState:
    t, round = runtime.context, state["round"]
    limit = t.obs.max_tests_per_order
    task = render("panel", "test_chooser_task", turn=t.number, round=round, leading=_leading(state),
                  ordered=t.doctor.ordered_text(), issues="; ".join(state.get("issues") or []) or "none",
                  max_tests_per_order=limit)
    out = await t.doctor.member(t, "test_chooser", task, round=round)
    names = list(dict.fromkeys(test.name.strip() for test in out.tests if test.name.strip()))
    return {"proposed": names[:limit]}  # a longer list is cut, not refused: the chair orders from it


async def challenger(state: PanelState, runtime: Ctx) -> PanelState:
    t = runtime.context
    task = render("panel", "challenger_task", turn=t.number, leading=_leading(state),
                  proposed="; ".join(state.get("proposed") or []) or "none")
    out = await t.doctor.member(t, "challenger", task)
    return {"challenge": out.model_dump()}


async def stewardship(state: PanelState, runtime: Ctx) -> PanelState:
    t, proposed = runtime.context, state.get("proposed") or []
    if not proposed:
        return {"approved": [], "vetoed": []}  # nothing to review: no call
    d, obs = t.doctor, t.obs
    budget = ""
    if d.budget_tracking and obs.budget is not None:
        budget = f"\nBudget: ${obs.budget:.0f} (remaining ${max(obs.budget - obs.spent, 0):.0f})"
    task = render("panel", "stewardship_task", turn=t.number, priced=d.prices.priced(proposed),
                  spent=f"{obs.spent:.0f}", budget=budget)
    out = await d.member(t, "stewardship", task, round=state["round"])
    proposed_keys = {d.key(p) for p in proposed}
    vetoed = [{"test": v.test, "reason": v.reason} for v in out.vetoed if d.key(v.test) in proposed_keys]
    vetoed_keys = {d.key(v["test"]) for v in vetoed}
    return {"approved": [p for p in proposed if d.key(p) not in vetoed_keys], "vetoed": vetoed}


async def checklist(state: PanelState, runtime: Ctx) -> PanelState:
    t, round = runtime.context, state["round"]
    d, approved = t.doctor, state.get("approved") or []
    problems = d.prices.problems(approved, d.ordered)
    checks = "; ".join(f"{name}: {why}" for name, why in problems.items()) or "no problems found"
    task = render("panel", "checklist_task", turn=t.number, round=round, leading=_leading(state),
                  approved="; ".join(approved) or "none", ordered=d.ordered_text(), checks=checks)
    out = await d.member(t, "checklist", task, round=round)
    issues = list(dict.fromkeys([*out.issues, *(f"{name}: {why}" for name, why in problems.items())]))
    ok = out.ok and not problems
    loop = not ok and round < d.max_rounds and not state.get("question_only")
    if loop:
        return {"issues": issues, "flagged": issues, "loop": True, "round": round + 1}
    # out of rounds: what the automatic checks flagged is dropped, whatever the panel thinks of it
    return {"issues": issues, "flagged": issues, "loop": False, "approved": [a for a in approved if a not in problems]}


async def consensus(state: PanelState, runtime: Ctx) -> PanelState:
    t = runtime.context
    obs = t.obs
    allowed = "ask the patient or give the diagnosis" if t.doctor.question_only \
        else "ask the patient, examine, order approved tests, or give the diagnosis"
    challenge = state.get("challenge") or {}
    task = render(
        "panel", "consensus_task", turn=t.number, max_turns=obs.max_turns, leading=_leading(state),
        approved="; ".join(state.get("approved") or []) or "none",
        vetoed="; ".join(f"{v['test']} ({v['reason']})" for v in state.get("vetoed") or []) or "none",
        issues="; ".join(state.get("issues") or []) or "none",
        challenge=(f"do not miss {challenge['alternative']}" if challenge.get("alternative") else "nothing raised"),
        allowed="give the diagnosis" if obs.final_turn else allowed,
        final=" " + render("panel", "final") if obs.final_turn else "")
    return {"action": await t.doctor.decide(t, task, state)}


def _after_hypothesis(state: PanelState) -> str:
    if state.get("final"):
        return "consensus"
    return "challenger" if state.get("question_only") else "test_chooser"


@cache
def panel_graph() -> CompiledStateGraph[PanelState, PanelTurn]:
    graph = StateGraph(PanelState, context_schema=PanelTurn)
    for name, node in (("hypothesis", hypothesis), ("test_chooser", test_chooser), ("challenger", challenger),
                       ("stewardship", stewardship), ("checklist", checklist), ("consensus", consensus)):
        graph.add_node(name, node)
    graph.add_edge(START, "hypothesis")
    graph.add_conditional_edges("hypothesis", _after_hypothesis, ["consensus", "challenger", "test_chooser"])
    # the challenger speaks once a turn; later rounds only revise the tests
    graph.add_conditional_edges("test_chooser", lambda s: "challenger" if s["round"] == 1 else "stewardship",
                                ["challenger", "stewardship"])
    graph.add_conditional_edges("challenger", lambda s: "checklist" if s.get("question_only") else "stewardship",
                                ["checklist", "stewardship"])
    graph.add_edge("stewardship", "checklist")
    graph.add_conditional_edges("checklist", lambda s: "test_chooser" if s.get("loop") else "consensus",
                                ["test_chooser", "consensus"])
    graph.add_edge("consensus", END)
    return graph.compile()

