"""The patient-fidelity set is valid and frozen: a silent edit of any data file fails here."""

from __future__ import annotations

from agentsim.cases.library import load_case
from bench.patient_fidelity import check_set
from bench.patient_fidelity.itemset import HELDOUT_CASES, Item, Split
from bench.patient_fidelity.scoring import Outcome, classify


def test_every_item_file_is_valid():
    cases, problems = check_set.validate()
    assert problems == []
    splits = {ci.split for ci in cases}
    assert splits == {Split.DEV, Split.HELDOUT}
    assert all((ci.case.id in HELDOUT_CASES) == (ci.split is Split.HELDOUT) for ci in cases
               if ci.source.name != "records.yaml")


def test_data_files_match_the_manifest():
    assert check_set.manifest_problems() == []


def _item(**fields) -> Item:
    return Item.model_validate({"id": "chest-pain-stemi-999", "inquiry": "specific_symptom", "style": "lay", **fields})


def test_scoring_reads_the_text_only():
    case = load_case("chest-pain-stemi")
    smoking = _item(question="Do you smoke?", expect={"facts": ["sh_smoking"]})
    assert classify(smoking, case, "I smoke about twenty a day and have done since I was sixteen.").outcome \
        is Outcome.RIGHT
    # right, but with a fact nobody asked for: counted as unrelated
    extra = "I smoke about twenty a day and have done since I was sixteen. I've got high blood pressure and high " \
            "cholesterol."
    assert classify(smoking, case, extra).outcome is Outcome.UNRELATED
    assert classify(smoking, case, "No.").outcome is Outcome.FALSE_NO
    absent = _item(question="Any blood in your urine?", expect={"absent": True})
    assert classify(absent, case, "No, not that I've noticed.").outcome is Outcome.ABSENT_OK
    unknowable = _item(question="Do you know your troponin?", expect={"dont_know": True})
    assert classify(unknowable, case, "No.").outcome is Outcome.DONT_KNOW_OK
    assert classify(unknowable, case, "I've no idea, sorry.").outcome is Outcome.DONT_KNOW_OK
    assert classify(absent, case, "It might be an inferior STEMI.").leak
