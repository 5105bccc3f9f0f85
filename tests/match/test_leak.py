"""The diagnosis filter rewrites a reply around the finding and never leaves a marker."""

from __future__ import annotations

import pytest

from agentsim.match.leak import NO_INTERPRETATION, NOTHING_LEFT, WITHHELD, leaks, redact

SAH = ["Subarachnoid haemorrhage", "SAH"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Non-contrast CT head: Acute subarachnoid haemorrhage: hyperdense blood in the basal cisterns.",
     "Non-contrast CT head: Hyperdense blood in the basal cisterns."),
    ("CT head: hyperdense blood in the cisterns, consistent with SAH. No midline shift.",
     "CT head: Hyperdense blood in the cisterns. No midline shift."),
    ("Ventricular dilatation (in keeping with SAH).", "Ventricular dilatation."),
    ("Urea: 5; K: 4.1; consistent with SAH", "Urea: 5; K: 4.1."),
    ("CT head: SAH", f"CT head: {NO_INTERPRETATION}"),
    ("Yes. My last doctor said it was SAH. It hurts here.", "Yes. It hurts here."),
    ("I think I have SAH, doctor.", NOTHING_LEFT),
    ("The scan shows a SAH.", NOTHING_LEFT),  # nothing is left worth saying: no 'The scan.'
])
def test_rewrites_around_the_finding(text, expected):
    rewritten, hits = redact(text, SAH)
    assert rewritten == expected
    assert hits and WITHHELD not in rewritten and not leaks(rewritten, SAH)


def test_text_without_the_diagnosis_is_untouched():
    text = "Hb 140 g/L; platelets 250.\nNo abnormality."
    assert redact(text, SAH) == (text, [])


def test_each_line_of_a_multi_result_reply_is_rewritten_on_its_own():
    reply = "ECG: sinus rhythm.\nCT head: Acute SAH: blood in the basal cisterns and Sylvian fissures."
    assert redact(reply, SAH)[0] == "ECG: sinus rhythm.\nCT head: Blood in the basal cisterns and Sylvian fissures."
