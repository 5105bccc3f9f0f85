"""`agentsim validate`: schema checks plus the lints a schema cannot express."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from agentsim.cases.library import load_case_file, load_catalogue, load_persona, load_rubric, rubrics_dir
from agentsim.errors import CaseFileError
from agentsim.match.leak import leaks
from agentsim.model.case import Case
from agentsim.model.catalogue import Catalogue


class FileKind(StrEnum):
    SCENARIO = "scenario"
    PERSONA = "persona"
    RUBRIC = "rubric"
    CATALOGUE = "catalogue"


@dataclass
class FileReport:
    path: Path
    kind: FileKind
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # worth a look, never a failure (e.g. an ICD-10-CM code)

    @property
    def ok(self) -> bool:
        return not self.errors


def lint_case(case: Case, catalogue: Catalogue | None) -> list[str]:
    problems: list[str] = []
    names = case.diagnosis.accepted_names()
    for fact in case.patient.facts:
        for term in leaks(fact.text, names):
            problems.append(f"patient.facts[{fact.id}]: names the diagnosis ({term!r})")
    for term in leaks(case.patient.opening_statement, names):
        problems.append(f"patient.opening_statement: names the diagnosis ({term!r})")
    for i, finding in enumerate(case.exam):
        for term in leaks(finding.finding, names):
            problems.append(f"exam[{i}]: names the diagnosis ({term!r})")
    for test in case.tests:
        if not test.pathognomonic:
            for term in leaks(test.result, names):
                problems.append(f"tests[{test.id}]: a non-pathognomonic result names the diagnosis ({term!r})")
        if catalogue is not None and catalogue.get(test.id) is None:
            problems.append(f"tests[{test.id}]: not in the test catalogue")
    fact_ids = {f.id for f in case.patient.facts}
    for item in case.rubric.must_ask:
        if isinstance(item, str) and item not in fact_ids:
            problems.append(f"rubric.must_ask: {item!r} is not a fact id of this case")
    test_ids = {t.id for t in case.tests}
    for test_id in case.rubric.expected_tests:
        if test_id not in test_ids and (catalogue is None or catalogue.get(test_id) is None):
            problems.append(f"rubric.expected_tests: {test_id!r} is neither a case test nor in the catalogue")
    return problems


def lint_codes(case: Case) -> list[str]:
    """Warnings on the diagnosis code: missing, not ICD-10-CM, or a title that does not fit (loads the
    vocabulary, so only validate pays for it)."""
    from agentsim.judge.diagnosis_codes import code_problems

    return code_problems(case.diagnosis)


def classify(path: Path) -> FileKind:
    if path.name == "tests.yaml" and path.parent.name == "rubrics":
        return FileKind.CATALOGUE
    parent = path.parent.name
    return {"personas": FileKind.PERSONA, "rubrics": FileKind.RUBRIC}.get(parent, FileKind.SCENARIO)


def expand(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in {".yaml", ".yml"}))
        else:
            files.append(path)
    return files


def validate_paths(paths: list[Path]) -> list[FileReport]:
    try:
        catalogue: Catalogue | None = load_catalogue()
    except CaseFileError:
        catalogue = None
    reports: list[FileReport] = []
    seen_ids: dict[str, Path] = {}
    for path in expand(paths):
        kind = classify(path)
        report = FileReport(path, kind)
        reports.append(report)
        try:
            if kind is FileKind.SCENARIO:
                case = load_case_file(path)
                report.errors.extend(lint_case(case, catalogue))
                report.warnings.extend(lint_codes(case))
                if case.id in seen_ids:
                    report.errors.append(f"id: duplicate case id {case.id!r} (also {seen_ids[case.id]})")
                seen_ids[case.id] = path
            elif kind is FileKind.PERSONA:
                load_persona(path)
            elif kind is FileKind.CATALOGUE:
                load_catalogue(path)
            elif path.resolve().parent == rubrics_dir().resolve() or kind is FileKind.RUBRIC:
                load_rubric(path)
        except CaseFileError as exc:
            report.errors.extend(exc.problems)
    return reports
