"""Which judge graded a score: a name and a version that changes whenever the grade of some answer could.

The rules judge's version is its rule-set version plus a hash of every table it reads (the grader's vocabulary
module, the team's terminology file, the spelling folds, the ICD-10-CM table) and the ICD-10-CM release, e.g.
``rules-2.0+tables.3f9c0a1b2d4e+icd10cm.April-1-2026``. Reading it costs a few file reads, not the vocabulary.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

RUBRIC_JUDGE = "rubric"
# bump when a rule (not a table) changes what grade an answer gets
RULES_VERSION = "2.0"

_PACKAGE = Path(__file__).resolve().parent.parent
_TABLES = (
    _PACKAGE / "judge" / "diagnosis_terms.py",
    _PACKAGE / "match" / "text.py",
    _PACKAGE / "vocab" / "clinical_terms.txt",
    _PACKAGE / "vocab" / "icd10cm.tsv.gz",
)


def terminology_release() -> str:
    """'April-1-2026': the ICD-10-CM release of the shipped table, from its header line."""
    with gzip.open(_TABLES[-1], "rt", encoding="utf-8") as handle:
        header = handle.readline().removeprefix("#").strip()
    words = header.split()
    return words[1] if len(words) > 1 and words[0] == "ICD-10-CM" else "unknown"


@lru_cache(maxsize=1)
def rubric_judge_version() -> str:
    digest = hashlib.sha256()
    for path in _TABLES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"rules-{RULES_VERSION}+tables.{digest.hexdigest()[:12]}+icd10cm.{terminology_release()}"
