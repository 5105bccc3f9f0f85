"""One-slip typos are mended against the words a patient's questions use; known words are left alone."""

from __future__ import annotations

import pytest

from agentsim.match.text import TypoFixer

FIXER = TypoFixer({"surgery", "pregnancy", "thirsty", "medical", "pressure", "before", "smoke", "today"})


@pytest.mark.parametrize(("typed", "meant"), [
    ("Any surgry befor?", "any surgery before"),  # a missing letter
    ("Have you done a pregancy test?", "have you done a pregnancy test"),
    ("Feeling more thristy?", "feeling more thirsty"),  # swapped letters
    ("Any medcal problems, blood presure?", "any medical problems blood pressure"),
])
def test_one_slip_typos_are_mended(typed, meant):
    assert FIXER.fix(typed) == meant


def test_known_and_short_words_are_left_alone():
    assert FIXER.fix("Do you smoke?") == "Do you smoke?"
    assert FIXER.fix("Any pian?") == "Any pian?"  # under five letters: too ambiguous to mend
