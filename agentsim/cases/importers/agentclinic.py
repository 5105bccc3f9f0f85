"""Import AgentClinic case files (JSON Lines) as agentsim cases.

Two record shapes are read: the OSCE schema (MedQA, MedQA-extended, MIMIC-IV: one "OSCE_Examination" object per
line) and the NEJM Image Challenge schema (question, patient_info, physical_exams, five answers). Every non-blank
line is either written as one case YAML or reported with a reason; cases whose findings name the diagnosis are
written but flagged.

    report = import_agentclinic(Path("agentclinic_medqa.jsonl"), Path("imported/"))
    print(report.summary())
"""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agentsim.cases.importers.agentclinic_build import (
    DIAGNOSIS_IN_FINDINGS,
    Context,
    RecordError,
    assemble,
    build_osce,
)
from agentsim.cases.importers.agentclinic_codes import with_icd10
from agentsim.cases.importers.agentclinic_findings import CatalogueIndex
from agentsim.cases.importers.agentclinic_nejm import build_nejm, is_nejm
from agentsim.cases.importers.agentclinic_text import slugify
from agentsim.cases.library import load_case_file, load_catalogue
from agentsim.cases.lint import lint_case
from agentsim.errors import CaseFileError, UserError
from agentsim.model.catalogue import Catalogue

__all__ = ["DIAGNOSIS_IN_FINDINGS", "ImportReport", "RecordOutcome", "RecordStatus", "import_agentclinic"]

_DATASETS = {
    "medqa": "MedQA", "medqa_extended": "MedQA-extended", "mimiciv": "MIMIC-IV", "mimic_iv": "MIMIC-IV",
    "mimiciv_extended": "MIMIC-IV-extended", "nejm": "NEJM", "nejm_extended": "NEJM-extended",
}


class RecordStatus(StrEnum):
    CONVERTED = "converted"
    FAILED = "failed"
    FLAGGED = "flagged"  # written, but the diagnosis appears in the facts, exam or a non-confirmatory test


class RecordOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    line: int = Field(description="1-based line number in the input file")
    case_id: str | None = Field(default=None, description="None when the record failed")
    status: RecordStatus
    path: Path | None = Field(default=None, description="the case file written, if any")
    reasons: list[str] = Field(default_factory=list, description="why it failed, or why it is flagged")
    warnings: list[str] = Field(default_factory=list, description="converted, but worth a look")


class ImportReport(BaseModel):
    source: Path
    out_dir: Path
    dataset: str
    read: int = Field(default=0, description="non-blank lines read")
    converted: int = Field(default=0, description="cases written, flagged ones included")
    failed: int = 0
    flagged: int = Field(default=0, description="written cases tagged diagnosis-in-findings")
    records: list[RecordOutcome] = Field(default_factory=list)
    not_in_catalogue: dict[str, int] = Field(
        default_factory=dict, description="source test names with no catalogue match -> number of records")

    def outcome(self, line: int) -> RecordOutcome | None:
        return next((r for r in self.records if r.line == line), None)

    def summary(self) -> str:
        head = (f"{self.source.name} ({self.dataset}): read {self.read}, converted {self.converted} "
                f"({self.flagged} flagged), failed {self.failed}; every case written passes `agentsim validate`; "
                f"cases in {self.out_dir}")
        lines = [head]
        for r in self.records:
            if r.status is not RecordStatus.CONVERTED:
                lines.append(f"  line {r.line}: {r.status.value}: {'; '.join(r.reasons)}")
        if self.not_in_catalogue:
            top = sorted(self.not_in_catalogue.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            lines.append("  tests not in catalogue: " + ", ".join(f"{name} ({n})" for name, n in top)
                         + (" ..." if len(self.not_in_catalogue) > 10 else ""))
        return "\n".join(lines)


def dataset_name(stem: str) -> str:
    key = stem.lower().removeprefix("agentclinic_").removeprefix("agentclinic-").replace("-", "_")
    return _DATASETS.get(key, stem)


def import_agentclinic(path: Path, out_dir: Path, *, catalogue: Catalogue | None = None) -> ImportReport:
    """Convert every record of an AgentClinic .jsonl file into a case YAML in out_dir (created if needed;
    files of the same name are overwritten). The catalogue defaults to rubrics/tests.yaml via load_catalogue()."""
    path, out_dir = Path(path), Path(out_dir)
    if not path.exists():
        raise UserError(f"{path}: no such file (expected an AgentClinic .jsonl file)")
    if not path.is_file():
        raise UserError(f"{path}: not a file (expected an AgentClinic .jsonl file)")
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: exists and is not a directory")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read: {exc}") from None
    dataset = dataset_name(path.stem)
    ctx = Context(stem=path.stem, dataset=dataset,
                  index=CatalogueIndex(catalogue if catalogue is not None else load_catalogue()),
                  dataset_tag=slugify(dataset) if dataset != path.stem else None)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = slugify(path.stem, max_words=20) or "agentclinic"

    records: list[RecordOutcome] = []
    unmatched: Counter[str] = Counter()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            outcome, missing = _convert(line, number, ctx, out_dir, f"{prefix}-{number}")
            records.append(outcome)
            unmatched.update(set(missing))
    written = [r for r in records if r.status is not RecordStatus.FAILED]
    return ImportReport(
        source=path, out_dir=out_dir, dataset=ctx.dataset, read=len(records), converted=len(written),
        failed=len(records) - len(written), flagged=sum(r.status is RecordStatus.FLAGGED for r in records),
        records=records, not_in_catalogue=dict(sorted(unmatched.items())),
    )


def _failed(line: int, reason: str) -> tuple[RecordOutcome, list[str]]:
    return RecordOutcome(line=line, status=RecordStatus.FAILED, reasons=[reason]), []


def _convert(text: str, line: int, ctx: Context, out_dir: Path, case_id: str) -> tuple[RecordOutcome, list[str]]:
    try:
        record: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        return _failed(line, f"not valid JSON ({exc.msg}, column {exc.colno})")
    if not isinstance(record, dict):
        return _failed(line, f"unknown schema: expected a JSON object, got {type(record).__name__}")
    try:
        if isinstance(record.get("OSCE_Examination"), dict):
            draft = build_osce(record["OSCE_Examination"], ctx)
        elif "Patient_Actor" in record and "Correct_Diagnosis" in record:
            draft = build_osce(record, ctx)  # an OSCE record without its wrapper
        elif is_nejm(record):
            draft = build_nejm(record, ctx)
        else:
            keys = ", ".join(sorted(map(str, record))[:8]) or "none"
            return _failed(line, "unknown schema: expected an 'OSCE_Examination' object or NEJM fields "
                                 f"(question, answers); found keys: {keys}")
        result = assemble(draft, ctx, case_id)
    except RecordError as exc:
        return _failed(line, str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        return _failed(line, f"validation failed: {'.'.join(map(str, first['loc']))}: {first['msg']}")
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return _failed(line, f"unexpected record shape: {type(exc).__name__}: {exc}")

    diagnosis, no_code = with_icd10(result.case.diagnosis)
    result.case = result.case.model_copy(update={"diagnosis": diagnosis})
    result.warnings += [no_code] if no_code else []
    target = out_dir / f"{result.case.id}.yaml"
    data = result.case.model_dump(mode="json", exclude_none=True)
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        written = load_case_file(target)
    except CaseFileError as exc:
        target.unlink(missing_ok=True)
        return _failed(line, f"written case does not load back: {'; '.join(exc.problems[:3])}")
    problems = lint_case(written, ctx.index.catalogue)  # what `agentsim validate` would say
    if problems:
        target.unlink(missing_ok=True)
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        return _failed(line, f"written case does not validate: {'; '.join(problems[:3])}{more}")
    status = RecordStatus.FLAGGED if result.flags else RecordStatus.CONVERTED
    missing = [name.rsplit(" > ", 1)[-1] for name in draft.unmatched_tests]
    outcome = RecordOutcome(line=line, case_id=result.case.id, status=status, path=target, reasons=result.flags,
                            warnings=result.warnings)
    return outcome, missing
