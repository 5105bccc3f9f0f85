"""Deterministic diagnosis grading on SDBench's 5-point Likert scale.

SDBench has a judge model grade the final diagnosis against the reference from 1 to 5. This module
does the same with fixed, inspectable rules, so a stored episode always re-scores to the same number.

Normalisation (applied to the answer and to every name from the case alike):

* accents stripped, lower case, punctuation and hyphens become spaces, possessive ``'s`` dropped
  (``Crohn's`` = ``Crohn``), a trailing plural ``s`` folded (``gallstones`` = ``gallstone``);
* British spellings folded to American (``haemorrhage``/``hemorrhage``, ``oesophageal``/``esophageal``,
  ``anaemia``/``anemia``, ``ischaemic``/``ischemic``, ``leukaemia``/``leukemia``, ``paediatric``,
  ``oedema``, ``diarrhoea``, ``coeliac``, ``tumour``...);
* abbreviations expanded from the team's table (``[abbreviation]`` in agentsim/vocab/clinical_terms.txt:
  MI, STEMI, PE, DKA, COPD, DLBCL, ALL, AML, CLL, SJS, TEN, NMS, BPPV, VSD, IVH, PML and about 170 more).
  Abbreviations that are also English words (MS, RA, PE, ALL, TEN...) are expanded only when written in
  capitals; ``SJS/TEN`` is one diagnosis (the overlap), not two alternatives; an abbreviation with two
  senses in common use (ASD: atrial septal defect or autism spectrum disorder) is read both ways, on
  both sides, and the better reading is graded;
* an upper-case ``A`` after a word is the letter of a disease name (``Hemophilia A``, ``Hepatitis A``),
  not the article;
* a few lay phrases mapped to the clinical name (``heart attack`` = ``myocardial infarction``); organ
  adjectives folded to the noun (``oesophageal``/``oesophagus``, ``renal``/``kidney``, ``pulmonary``/``lung``...);
  prefixes written apart joined (``pre-eclampsia`` = ``preeclampsia``, ``post herpetic`` = ``postherpetic``);
* a negation is glued to the word it negates (``non-ST elevation`` -> ``non_st elevation``) so that
  NSTEMI never counts as a more specific STEMI;
* hedges and stopwords dropped (``likely``, ``probable``, ``suspected``, ``of``, ``the``...), and the
  filler words ``disease``, ``disorder``, ``syndrome``, ``condition``, ``infection`` ignored when comparing names;
* an answer that hedges between alternatives (``X vs Y``, ``X or Y``, ``X / Y``, one per line or
  separated by ``;``) is graded on its first alternative only, and everything after ``mimicking``,
  ``rather than``, ``ruled out``, ``excluded``, ``without`` and the like is ignored. Within an alternative,
  clauses (split at commas, colons and spaced dashes) that the answer denies are dropped (``PE excluded``,
  ``not Crohn disease``, ``no evidence of infection``), and so are hedges after the first clause (``...,
  possibly aortic dissection``); an alternative denied whole gives way to the next (``not a STEMI; NSTEMI``),
  and an answer that denies everything it names has no diagnosis.

The case's names are widened with the team's synonym groups (``[eponym]``, ``[variant]``,
``[itis-opathy]`` in clinical_terms.txt: Boerhaave syndrome = spontaneous oesophageal rupture, Hansen
disease = leprosy, melanoma = malignant melanoma, membranous nephropathy = membranous glomerulonephritis...):
a name that equals or contains a group member also stands with that member swapped for each other member.
These widened names count for rules 5 to 3 and the differential cap; the checks that read what the case
itself accepts (its qualifiers, its more specific forms) and the superficial overlap of rule 2 read only the
case's own names.

Qualifier words: acute, chronic, subacute, left, right, bilateral, inferior, anterior, lateral,
posterior, upper, lower, primary, secondary, mild, moderate, severe, early, late, type (and a few
close relatives such as superior, septal, hyperacute). The *core* of a name is its words minus
qualifiers.

The rules, first that fires wins (each is tried against every accepted name, primary first):

5. exact: the answer's words equal an accepted name's (primary or synonym);
   or more specific: the answer holds every word of an accepted name plus extra words, and the extras
   contradict nothing: no negated word, no qualifier that clashes with the case (``anterior`` where the
   accepted names say ``inferior``: a qualifier from the same group as one the case uses but not one
   of the case's own), and where the case itself accepts a more specific form by a non-qualifier word
   (``ischaemic stroke`` besides ``stroke``) the answer keeps that word (``haemorrhagic stroke`` is
   not a more specific ``stroke`` there).
   A more specific form of the *primary* that fails only the last check is 4 (``hospital-acquired
   pneumonia`` where the case says ``pneumonia`` and also accepts ``community-acquired pneumonia``).
4. minor qualifier off: the answer's core equals the core of an accepted name but the qualifiers
   differ (``anterior STEMI`` for an inferior STEMI), or the answer is a less specific form whose
   missing words are only qualifiers (``pancreatitis`` when ``acute pancreatitis`` is accepted);
   or less specific: the answer's words are some of an accepted name's, with the same disease head
   (``meningitis`` for bacterial meningitis, ``myocardial infarction`` for an inferior STEMI), unless the
   answer is the case's ``category`` (3) or the head is a malignancy whose type is the diagnosis
   (leukaemia, lymphoma, cancer, carcinoma...: ``leukaemia`` for acute myeloid leukaemia is 3).
3. right category, wrong specific disease: the answer names the case's ``diagnosis.category`` (or a
   more specific form of it, or its core), or shares its disease-head noun with the category or an
   accepted name, or falls in the same disease family from a small table (coronary,
   cerebrovascular, venous thromboembolism, inflammatory bowel, ...). The disease head is the last
   word before any ``with``/``due to``/``secondary to`` clause, or the last two words when the last
   is a process noun (infarction, failure, haemorrhage, embolism...) or the name ends in a filler word
   (``irritable bowel syndrome`` -> "irritable bowel"): ``NSTEMI`` and ``STEMI`` share "myocardial
   infarction", ``cerebral infarction`` does not.
2. superficial overlap: the answer shares a meaningful word with the primary, a synonym or a key
   finding: stopwords, qualifiers, words under three letters, numbers, roman numerals and generic
   words (disease, syndrome, infection, pain, raised...) do not count, and organ words are folded by
   prefix so ``heart``, ``cardiac``, ``myocardial`` and ``pericarditis`` all count as the heart.
1. wrong: nothing above; also an empty answer.

ICD-10-CM (after the rules above, when they give less than 5; agentsim/judge/diagnosis_vocab.py): the
reference's codes are the case's ``diagnosis.icd10`` (a 7th-character extension read as its base code) and
the codes its widened names are ICD-10-CM terms of; the answer's codes are those its whole name (or a team
synonym of it, or its ICD wording from ``[icd-wording]``: cancer = malignant neoplasm) is a term of, exactly
after normalisation, titles and inclusion terms with their variants (see agentsim/vocab/icd10.py), else
those of its largest part covering at least half its words (a *partial* mapping). The best pair grades:

5. same code (a code whose title is its parent's plus ", unspecified ..." is its parent) - but 4 when the
   answer matched a "... NOS" term (``Pancreatitis NOS`` under acute pancreatitis: ICD-10-CM's default for
   the unqualified name) or carries a qualifier that clashes with the case's;
4. parent/child within one category (``gallstone pancreatitis`` K85.1 for acute pancreatitis K85), or
   siblings under one parent whose titles differ only by qualifier words (acute / chronic cholecystitis);
3. same block (haemophilia B D67 for haemophilia A D66);
2. same chapter and an organ word shared by the two codes' titles;
otherwise the rules' grade stands. A partial mapping grades at most 3. The higher of the rules' and the
ICD-10-CM grade is kept, with one exception: a rule-4 "qualifier off" is overruled when both names are whole
ICD-10-CM terms whose codes relate below 4 (``chronic myeloid leukaemia`` C92.1 for acute myeloid
leukaemia C92.0 is another disease, not a qualifier off: 3).

Differential cap: if the answer names one of the case's differential diagnoses or a team synonym of one
(its words equal the item's, or hold them, unless the item is contained in an accepted name) and did not score 5, the
grade is capped at 2.

``correct`` is ``likert >= threshold`` (an empty answer is never correct).
"""

from __future__ import annotations

from agentsim.judge.diagnosis_names import (
    Name,
    families,
    first_alternative,
    fmt,
    meaningful,
    readings,
    specialises_consistently,
)
from agentsim.judge.diagnosis_terms import GENERIC
from agentsim.judge.diagnosis_vocab import icd_grade, synonym_words, with_synonyms
from agentsim.model.case import Diagnosis
from agentsim.model.score import DiagnosisScore

_QUALIFIER_OFF = "qualifier(s) off"
# a malignancy's type is the diagnosis: "leukaemia" for acute myeloid leukaemia is the family, not a less
# specific form of it (3, not 4)
_SUBTYPE_ESSENTIAL = frozenset({"leukemia", "lymphoma", "cancer", "carcinoma", "adenocarcinoma", "sarcoma", "tumor",
                                "neoplasm", "malignancy", "myeloma", "melanoma", "glioma"})


def grade_diagnosis(answer: str, diagnosis: Diagnosis, *, threshold: int = 4) -> DiagnosisScore:
    """Grade a free-text diagnosis against the case's reference on the 1-5 Likert scale (see module doc)."""
    if not answer or not answer.strip():
        return DiagnosisScore(likert=1, correct=False, matched=None, explanation="1: empty answer")

    graded_text = first_alternative(answer)
    note = ""
    if graded_text.strip() != answer.strip():
        note = f" (graded the committed part {graded_text.strip()!r} of {answer.strip()!r})"
    own = [n for text in diagnosis.accepted_names() for n in readings(text)]
    accepted = with_synonyms(own)
    graded: tuple[int, str | None, str] | None = None
    for reading in readings(graded_text):
        ans = Name.of(reading)
        if ans.words:
            result = _grade_reading(ans, diagnosis, accepted=accepted, own=own)
            if graded is None or result[0] > graded[0]:
                graded = result
    if graded is None:
        return DiagnosisScore(
            likert=1,
            correct=False,
            matched=None,
            explanation=f"1: no diagnostic words in the answer {answer!r}",
        )
    likert, matched, why = graded
    return DiagnosisScore(
        likert=likert,
        correct=likert >= threshold,
        matched=matched,
        explanation=f"{likert}: {why}{note}",
    )


def _grade_reading(
    ans: Name, diagnosis: Diagnosis, *, accepted: list[str], own: list[str]
) -> tuple[int, str | None, str]:
    likert, matched, why = _grade(ans, diagnosis, accepted=accepted, own=own)
    if likert < 5:
        icd = icd_grade(ans, [Name.of(n) for n in accepted], diagnosis.icd10)
        if icd is not None and icd.likert > likert:
            likert, matched, why = icd.likert, (diagnosis.primary if icd.likert >= 4 else None), icd.why
        elif icd is not None and icd.exact and icd.likert < likert == 4 and _QUALIFIER_OFF in why:
            # "chronic myeloid leukaemia" for acute myeloid leukaemia: the qualifier makes another disease
            likert, matched, why = icd.likert, None, f"{icd.why}; overrules the name rule ({why})"

    # differential cap
    if likert < 5:
        accepted_names = [Name.of(n) for n in accepted]
        for item in diagnosis.differential:
            for diff in (Name.of(n) for n in with_synonyms([item.diagnosis])):
                if not diff.words:
                    continue
                subsumed = any(diff.words <= acc.words for acc in accepted_names)
                if ans.words == diff.words or (ans.words >= diff.words and not subsumed):
                    if likert > 2:
                        why = f"capped at 2: names differential diagnosis {item.diagnosis!r} (was {likert}: {why})"
                        likert = 2
                    else:
                        why = f"{why}; names differential diagnosis {item.diagnosis!r} (cap 2)"
                    return likert, None, why
    return likert, matched, why


def _grade(ans: Name, diagnosis: Diagnosis, *, accepted: list[str], own: list[str]) -> tuple[int, str | None, str]:
    """The name rules (5 to 1) against the case's names widened by the team's synonyms (`accepted`); the checks
    that read what the case itself accepts (qualifiers, more specific forms) read only the case's `own` names."""
    names = [a for a in (Name.of(n) for n in accepted) if a.words]
    case_names = [a for a in (Name.of(n) for n in own) if a.words]
    case_qualifiers = frozenset().union(*(a.qualifiers for a in case_names)) if case_names else frozenset()

    # 5: exact
    for acc in names:
        if ans.words == acc.words:
            if acc.text == diagnosis.primary:
                kind = "primary diagnosis"
            elif acc.text in own:
                kind = "accepted synonym"
            else:
                kind = "the team's synonym"
            return 5, acc.text, f"exact match to {kind} {acc.text!r} after normalisation"
    # 5: more specific form
    for acc in names:
        if acc.core and ans.words > acc.words:
            extra = ans.words - acc.words
            # a case name the team's table makes the same disease as `acc` ("malignant melanoma" for "melanoma")
            # is not a more specific form the answer must keep
            same = synonym_words(acc.text)
            others = [o for o in case_names if o.words not in same]
            if specialises_consistently(ans, acc, extra, others, case_qualifiers):
                return 5, acc.text, f"more specific form of accepted name {acc.text!r} (adds: {fmt(extra)})"
            if acc.text == diagnosis.primary and specialises_consistently(ans, acc, extra, [], case_qualifiers):
                # "hospital-acquired pneumonia" where the case says "pneumonia", accepting "community-acquired"
                return 4, acc.text, (f"more specific form of the primary {acc.text!r} (adds: {fmt(extra)}), "
                                     "but not the case's own more specific form")
    # 4: same core, qualifiers off (or less specific by qualifiers only)
    for acc in names:
        if acc.core and ans.core == acc.core:
            extra_q = ans.qualifiers - acc.qualifiers
            missing_q = acc.qualifiers - ans.qualifiers
            if not extra_q and missing_q:
                detail = f"less specific: lacks the qualifier(s) {fmt(missing_q)}"
            else:
                detail = f"{_QUALIFIER_OFF}: answer has {fmt(ans.qualifiers)}, expected {fmt(acc.qualifiers)}"
            return 4, acc.text, f"right disease, minor qualifier off vs {acc.text!r} ({detail})"

    # 4: less specific: an accepted name minus specifying words, keeping its disease head (unless the answer is
    # the case's own category, the broad family the author names as "right category": 3)
    category = Name.of(diagnosis.category) if diagnosis.category else None
    is_category = category is not None and bool(category.words) and ans.core == category.core
    if not is_category and ans.head and ans.words - GENERIC and not any(w.startswith("non_") for w in ans.words):
        for acc in names:
            if ans.words < acc.words and ans.head == acc.head and not set(ans.head) & _SUBTYPE_ESSENTIAL:
                return 4, acc.text, f"less specific form of {acc.text!r} (lacks: {fmt(acc.words - ans.words)})"

    # 3: category, disease head, family
    if diagnosis.category:
        cat = Name.of(diagnosis.category)
        if cat.words and (ans.words >= cat.words or (cat.core and ans.core == cat.core)):
            return 3, None, f"right category {diagnosis.category!r} but not the specific disease"
        if ans.head and ans.head == cat.head:
            return (
                3,
                None,
                (f"shares the disease head {' '.join(ans.head)!r} with the category {diagnosis.category!r}"),
            )
    for acc in names:
        if ans.head and ans.head == acc.head:
            return (
                3,
                None,
                (
                    f"same disease head {' '.join(ans.head).replace('_', '-')!r} as {acc.text!r} "
                    "but a different specific disease"
                ),
            )
    case_families: set[str] = set()
    for name in [*names, *([Name.of(diagnosis.category)] if diagnosis.category else [])]:
        case_families |= families(name)
    shared_families = families(ans) & case_families
    if shared_families:
        return 3, None, f"same disease family ({fmt(shared_families)}) but a different specific disease"

    # 2: superficial overlap
    answer_words = meaningful(ans.words)
    for source, group in (
        ("primary/synonyms", case_names),
        ("key findings", [Name.of(k) for k in diagnosis.key_findings]),
    ):
        for name in group:
            shared = answer_words & meaningful(name.words)
            if shared:
                return (
                    2,
                    None,
                    f"superficial overlap only: shares {fmt(shared)} with {source} ({name.text!r})",
                )

    return 1, None, "wrong: no match to the accepted names, category or key findings"
