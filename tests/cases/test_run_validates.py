"""`agentsim run` applies the checks of `agentsim validate`; Unicode tricks do not hide the diagnosis from
the lint or from the runtime filter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agentsim.cases.library import load_case_file, scenarios_dir
from agentsim.cases.lint import lint_case
from agentsim.match.leak import WITHHELD, leaks, redact
from agentsim.match.text import unicode_fold

BASE = yaml.safe_load((scenarios_dir() / "renal-colic.yaml").read_text())
TRICKS = ["ren\u200bal colic", "re\u0301nal colic", "renal\u00adcolic", "\uff52\uff45\uff4e\uff41\uff4c colic",
          "renal c\u200dolic", "renal\u2060 colic"]


def case_file(tmp_path: Path, name: str, *, alias: str | None = None, text_tail: str = "") -> Path:
    doc = yaml.safe_load(yaml.safe_dump(BASE))
    doc["id"] = name
    fact = doc["patient"]["facts"][0]
    if alias:
        fact["aliases"] = [*fact.get("aliases", []), alias]
    fact["text"] += text_tail
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def agentsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agentsim.cli.app", *args], capture_output=True, text=True,
                          timeout=120)


def test_run_refuses_a_case_that_fails_validate_unless_told(tmp_path):
    path = case_file(tmp_path, "leaky-alias", alias="renal colic")
    assert agentsim("validate", str(path)).returncode != 0
    refused = agentsim("run", str(path), "--quiet", "--db", str(tmp_path / "x.db"))
    assert refused.returncode == 2 and "aliases: names the diagnosis" in refused.stderr
    assert "--no-validate" in refused.stderr and "Traceback" not in refused.stderr
    forced = agentsim("run", str(path), "--quiet", "--no-validate", "--db", str(tmp_path / "x.db"))
    assert forced.returncode == 0, forced.stderr


@pytest.mark.parametrize("trick", TRICKS)
def test_the_lint_sees_through_unicode_tricks(tmp_path, trick):
    case = load_case_file(case_file(tmp_path, "tricky", text_tail=f" My brother says it is {trick}."))
    assert any("names the diagnosis" in p for p in lint_case(case, None))


@pytest.mark.parametrize("trick", TRICKS)
def test_the_runtime_filter_sees_through_unicode_tricks(trick):
    text, hits = redact(f"Honestly, doctor, I think it is {trick}.", ["Renal colic"])
    assert hits == ["Renal colic"] and "colic" not in text and WITHHELD not in text  # rewritten, never a marker
    assert leaks(f"maybe {trick}?", ["Renal colic"]) == ["Renal colic"]


def test_plain_text_passes_unchanged():
    assert redact("Café au lait spots, no pain.", ["Renal colic"]) == ("Café au lait spots, no pain.", [])
    assert unicode_fold("naïve ﬁbre\u200b") == "naive fibre"
