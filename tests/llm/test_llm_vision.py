"""Images end to end through the fake server: a vision model receives the image as a content part, a text
model reads the caption that the result text always carries."""

from __future__ import annotations

import pytest

from agentsim.cases.library import load_case
from agentsim.engine.episode import run_episode
from agentsim.model.episode import Role, Termination

CAPTION = "Schematic lead II rhythm strip drawn for this teaching case"


@pytest.fixture(scope="module")
def af_case():
    return load_case("atrial-fibrillation-new")  # its ECG result carries a local schematic PNG


def _episode(fake, case, **options):
    return run_episode(case, doctor="llm", doctor_options=fake.options("doctor", **options), max_turns=10)


def _after_the_order(fake):
    """The doctor's requests after its test order was answered (the fake doctor orders ECG and troponin)."""
    requests = fake.requests("doctor")
    return requests[5:]


def test_a_vision_model_receives_the_image_part(fake, af_case):
    result = _episode(fake, af_case, vision="true")
    assert result.termination is Termination.DIAGNOSED
    before = [r["image_parts"] for r in fake.requests("doctor")[:5]]
    assert before == [[]] * 5  # nothing to show until the ECG is resulted
    assert _after_the_order(fake) and all(r["image_parts"] == ["data:image/png"] for r in _after_the_order(fake))
    ecg_reply = next(t for t in result.turns if t.role is Role.GATEKEEPER and "12-lead ECG" in t.text)
    assert ecg_reply.payload["images"][0]["path"].endswith("images/af-rhythm-strip-schematic.png")


@pytest.mark.parametrize("vision", ["false", "auto"])  # auto: litellm does not know the fake model, so text only
def test_a_text_model_gets_the_caption_and_no_image(fake, af_case, vision):
    result = _episode(fake, af_case, vision=vision)
    assert result.termination is Termination.DIAGNOSED
    assert all(r["image_parts"] == [] for r in fake.requests("doctor"))
    ecg_reply = next(t for t in result.turns if t.role is Role.GATEKEEPER and "12-lead ECG" in t.text)
    assert f"image attached: {CAPTION}" in ecg_reply.text  # what the text model (and the replay) reads
