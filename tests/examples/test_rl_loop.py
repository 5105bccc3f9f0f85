"""examples/rl_loop.py runs to the end, as a user would run it, and logs its episodes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from agentsim.store.queries import list_episodes

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "rl_loop.py"


def test_rl_loop_completes_with_small_settings(db_url):
    out = subprocess.run([sys.executable, str(SCRIPT), "--episodes", "4", "--max-turns", "4", "--db", db_url],
                         capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    episodes = re.findall(r"^episode +\d+ +return ([+-]\d+\.\d+) +(\w+)", out.stdout, flags=re.M)
    assert len(episodes) == 4
    assert all(termination in {"diagnosed", "turn_limit"} for _, termination in episodes)
    assert all(-1 < float(ret) < 1.5 for ret, _ in episodes)
    assert "greedy policy:" in out.stdout and "mean return" in out.stdout
    rows = list_episodes(db=db_url)
    assert len(rows) == 4 and {r.doctor for r in rows} == {"rl-epsilon-greedy"}
