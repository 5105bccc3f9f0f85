"""ICD-10-CM codes for imported diagnoses: the importer's only use of the vocabulary, kept apart from the rest of
the conversion. The match used is stored on the case (`diagnosis.icd10_match`) so a reader can check it."""

from __future__ import annotations

from agentsim.model.case import Diagnosis

# a partial match (a part of the name is an ICD-10-CM term) is taken when it covers this share of the name's words:
# "Bleeding duodenal ulcer" -> K26 "Duodenal ulcer" (2 of 3), never "CO poisoning" -> "Poisoning" (1 of 2)
MIN_PARTIAL_CONFIDENCE = 0.6


def with_icd10(diagnosis: Diagnosis) -> tuple[Diagnosis, str | None]:
    """(the diagnosis with `icd10` and `icd10_match` set, None) or (it unchanged, a warning) when no code fits.
    A code already on the diagnosis is kept."""
    if diagnosis.icd10:
        return diagnosis, None
    from agentsim.judge.diagnosis_codes import suggest_code

    suggestion = suggest_code(diagnosis.accepted_names())
    if suggestion is None or suggestion.confidence < MIN_PARTIAL_CONFIDENCE:
        return diagnosis, f"no ICD-10-CM code found for {diagnosis.primary!r}"
    return diagnosis.model_copy(update={"icd10": suggestion.code, "icd10_match": suggestion.describe()}), None
