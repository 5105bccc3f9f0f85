"""docs/answer-policy.md's table and the InquiryType enum name the same inquiry types, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

from agentsim.model.provenance import AnswerAct, InquiryType

DOC = Path(__file__).parents[3] / "docs" / "answer-policy.md"


def test_table_matches_the_enum():
    rows = re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert rows == [t.value for t in InquiryType]


def test_every_answer_act_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for act in AnswerAct:
        assert f"`{act.value}`" in text
