"""The judge label set stays well-formed and frozen, and the agreement script measures what it says."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from agentsim.errors import UserError

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, path: Path) -> ModuleType:
    """bench/ is a folder of scripts, not a package: load them by path, registered so pydantic resolves types."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


labels = _load("judge_labels.labels", BENCH / "judge_labels" / "labels.py")
agreement = _load("judge_agreement", BENCH / "judge_agreement.py")

ISSUE_EXAMPLES = {
    ("Diffuse large B-cell lymphoma", "DLBCL"),
    ("Haemophilia A", "factor VIII deficiency"),
    ("Leprosy", "Hansen disease"),
    ("Hirschsprung disease", "congenital aganglionic megacolon"),
    ("Malignant melanoma", "melanoma"),
    ("Acute myelogenous leukemia", "acute myeloid leukaemia"),
    ("Legg-Calve-Perthes disease", "Perthes disease"),
}


@pytest.fixture(scope="module")
def splits() -> dict:
    return {split: labels.load_split(split) for split in labels.Split}


def test_both_files_match_the_manifest_so_a_silent_edit_fails() -> None:
    recorded = labels.manifest_entries()
    assert set(recorded) == {"dev.yaml", "heldout.yaml"}
    for split in labels.Split:
        path = labels.split_path(split)
        assert labels.sha256_of(path) == recorded[path.name], f"{path.name} changed: the label set is frozen"


def test_every_item_validates_and_builds_a_case_diagnosis(splits: dict) -> None:
    for items in splits.values():
        for item in items:
            assert item.diagnosis().primary == item.reference


def test_ids_are_unique_across_both_splits(splits: dict) -> None:
    ids = [item.id for items in splits.values() for item in items]
    assert len(ids) == len(set(ids))


def test_size_breadth_and_split_proportions(splits: dict) -> None:
    dev, heldout = splits[labels.Split.DEV], splits[labels.Split.HELDOUT]
    assert len(dev) + len(heldout) >= 260
    assert 0.25 <= len(heldout) / (len(dev) + len(heldout)) <= 0.40
    assert len({item.specialty for item in dev + heldout}) >= 15
    for items in (dev, heldout):
        assert set(Counter(item.kind for item in items)) == set(labels.LabelKind), "every kind in both splits"


def test_the_issue_examples_are_in_dev_and_nowhere_else(splits: dict) -> None:
    dev = {(item.reference, item.answer) for item in splits[labels.Split.DEV]}
    heldout = {(item.reference, item.answer) for item in splits[labels.Split.HELDOUT]}
    assert ISSUE_EXAMPLES <= dev
    assert not ISSUE_EXAMPLES & heldout


def test_most_references_carry_no_synonyms_as_imported_cases_do(splits: dict) -> None:
    items = [item for items in splits.values() for item in items]
    with_synonyms = sum(bool(item.synonyms) for item in items)
    assert 0 < with_synonyms < len(items) / 4


def test_cohen_kappa_on_known_values() -> None:
    assert agreement.cohen_kappa([True, False, True, False], [True, False, True, False]) == 1
    # 2x2 table [[20, 5], [10, 15]]: po = 0.7, pe = 0.5 -> kappa 0.4
    a = [True] * 25 + [False] * 25
    b = [True] * 20 + [False] * 5 + [True] * 10 + [False] * 15
    assert agreement.cohen_kappa(a, b) == pytest.approx(0.4)
    assert agreement.cohen_kappa([True, True], [True, True]) is None


def test_quadratic_kappa_rewards_near_misses_over_far_ones() -> None:
    human = [1, 2, 3, 4, 5] * 4
    assert agreement.quadratic_kappa(human, human) == pytest.approx(1)
    near = agreement.quadratic_kappa(human, [min(5, h + 1) for h in human])
    far = agreement.quadratic_kappa(human, [6 - h for h in human])
    assert near is not None and far is not None
    assert near > 0.5 > far
    assert far == pytest.approx(-1)


def test_failures_are_refused_for_the_heldout_split() -> None:
    for split in ("heldout", "all"):
        with pytest.raises(UserError, match="dev split only"):
            agreement.run(["--split", split, "--failures", "5"])


def test_dev_run_prints_every_figure_and_writes_json(tmp_path: Path, splits: dict) -> None:
    out = tmp_path / "dev.json"
    text = agreement.run(["--split", "dev", "--json", str(out), "--failures", "3"])
    assert f"n = {len(splits[labels.Split.DEV])}" in text
    for figure in ("Cohen's kappa", "quadratic-weighted kappa", "exact agreement", "confusion", "listed synonyms"):
        assert figure in text
    assert out.read_text().count('"per_kind"') == 1
