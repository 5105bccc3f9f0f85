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
from agentsim.model.image import MAX_IMAGE_BYTES


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
        for term in {t for alias in fact.aliases for t in leaks(alias, names)}:  # aliases reach replies too
            problems.append(f"patient.facts[{fact.id}].aliases: names the diagnosis ({term!r})")
    for term in leaks(case.patient.opening_statement, names):
        problems.append(f"patient.opening_statement: names the diagnosis ({term!r})")
    for i, finding in enumerate(case.exam):
        for term in leaks(finding.finding, names):
            problems.append(f"exam[{i}]: names the diagnosis ({term!r})")
    for test in case.tests:
        # pathognomonic or not: a result reads like a report, describing the finding without its label
        terms = leaks(test.result, names)
        if terms:
            problems.append(f"tests[{test.id}]: the result names the diagnosis ({', '.join(map(repr, terms))}); "
                            "describe the finding as a report would")
        if catalogue is not None and catalogue.get(test.priced_as) is None:
            where = f"catalogue_id {test.catalogue_id!r}" if test.catalogue_id else "not"
            problems.append(f"tests[{test.id}]: {where} in the test catalogue")
    problems.extend(lint_images(case))
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

def lint_images(case: Case) -> list[str]:
    """Local images exist under the case's folder and are small enough to send; captions hide the diagnosis."""
    problems: list[str] = []
    names = case.diagnosis.accepted_names()
    owners = [(f"exam[{i}]", f.images) for i, f in enumerate(case.exam)] + [(f"tests[{t.id}]", t.images)
                                                                         for t in case.tests]
    for owner, images in owners:
        for image in images:
            for term in leaks(f"{image.caption} {image.alt}", names):
                problems.append(f"{owner}: an image caption or alt text names the diagnosis ({term!r})")
            if image.path is None or case.base_dir is None:
                continue
            file = case.base_dir / image.path
            if not file.is_file():
                problems.append(f"{owner}: image {image.path!r} not found (looked for {file})")
            elif file.stat().st_size > MAX_IMAGE_BYTES:
                problems.append(f"{owner}: image {image.path!r} is {file.stat().st_size // 1000} kB; the limit is "
                                f"{MAX_IMAGE_BYTES // 1000} kB")
    return problems


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
                untraced = load_catalogue(path).untraced_prices()
                if untraced:
                    report.errors.append(f"price_basis: {len(untraced)} price(s) state no basis (a CMS fee schedule "
                                         f"year and locality, or an estimate with its reason): "
                                         f"{', '.join(untraced[:8])}")
            elif path.resolve().parent == rubrics_dir().resolve() or kind is FileKind.RUBRIC:
                load_rubric(path)
        except CaseFileError as exc:
            report.errors.extend(exc.problems)
    return reports
