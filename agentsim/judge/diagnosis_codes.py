"""ICD-10-CM codes on cases: which code a diagnosis name maps to (the importer), and whether a case's code fits
its diagnosis (`agentsim validate` warns when not).

A code *fits* when some accepted name of the case (or a team synonym of one) maps to a code at most one block away
from it, or when the grader itself grades the code's title or one of its inclusion terms (or those of its
category) at 3 or more against the case's diagnosis.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from agentsim.judge.diagnosis_names import Name
from agentsim.judge.diagnosis_vocab import map_name, relation, with_synonyms
from agentsim.model.case import Diagnosis
from agentsim.vocab.icd10 import icd10


class CodeSuggestion(BaseModel):
    code: str
    title: str = Field(description="the code's ICD-10-CM title")
    name: str = Field(description="the diagnosis name that mapped")
    term: str = Field(description="the ICD-10-CM title or inclusion term it matched")
    confidence: float = Field(ge=0, le=1, description="1.0: the whole name is the term; less: a part of it is")

    def describe(self) -> str:
        how = "exact" if self.confidence >= 1 else f"partial {self.confidence:.2f}"
        return f"{self.code} {self.title!r} ({how}: {self.name!r} = {self.term!r})"


def suggest_code(names: list[str]) -> CodeSuggestion | None:
    """The code of the first name (in order, then the team's synonyms) that is an ICD-10-CM term; failing that,
    the best partial match of any of them. Several codes for one name: the first in code order."""
    table = icd10()
    best: CodeSuggestion | None = None
    for text in with_synonyms(names):
        matches, exact = map_name(table, Name.of(text))
        for match in sorted(matches, key=lambda m: (-m.confidence, m.code)):
            candidate = CodeSuggestion(code=match.code, title=table.codes[match.code].title, name=text,
                                       term=match.term, confidence=match.confidence)
            if exact and not match.nos:
                return candidate
            if best is None or candidate.confidence > best.confidence:
                best = candidate
    return best


def code_problems(diagnosis: Diagnosis) -> list[str]:
    """Warnings about `diagnosis.icd10`: missing, not an ICD-10-CM code, or a title that does not fit."""
    if not diagnosis.icd10:
        hint = suggest_code(diagnosis.accepted_names())
        return ["diagnosis.icd10: no ICD-10-CM code" + (f" (the names suggest {hint.describe()})" if hint else "")]
    table = icd10()
    node = table.resolve(diagnosis.icd10)
    if node is None:
        return [f"diagnosis.icd10: {diagnosis.icd10} is not an ICD-10-CM code ({table.release})"]
    if _fits(diagnosis, node.code):
        return []
    hint = suggest_code(diagnosis.accepted_names())
    return [f"diagnosis.icd10: {diagnosis.icd10} {node.title!r} does not fit the diagnosis {diagnosis.primary!r}"
            + (f" (the names suggest {hint.describe()})" if hint else "")]


def _fits(diagnosis: Diagnosis, code: str) -> bool:
    from agentsim.judge.diagnosis import grade_diagnosis

    table = icd10()
    code = table.canonical(code)
    for text in with_synonyms(diagnosis.accepted_names()):
        matches, _ = map_name(table, Name.of(text))
        if any(relation(table, m.code, code)[0] >= 3 for m in matches):
            return True
    plain = diagnosis.model_copy(update={"differential": [], "icd10": None})
    category = table.category(code)
    for node_code in [code, *(a for a in table.ancestors(code) if category and a.startswith(category))]:
        node = table.codes[node_code]
        if any(grade_diagnosis(t, plain).likert >= 3 for t in (node.title, *node.terms)):
            return True
    return False
