"""A Python (or HTTP) doctor gets the images of a result in its observation: path, media type, caption."""

from __future__ import annotations

from pathlib import Path

from agentsim import Diagnose, Doctor, Examine, Order, run_episode
from agentsim.cases.library import load_case
from agentsim.model.doctor_io import DOCTOR_IO_VERSION, request_schema


class Recorder(Doctor):
    def __init__(self, plan):
        self.plan, self.seen = plan, []

    def act(self, obs):
        self.seen.append(obs)
        return self.plan[obs.turn]


def test_a_test_result_image_reaches_the_observation_and_the_log():
    doctor = Recorder([Order(tests=["ECG"]), Diagnose(diagnosis="unsure")])
    result = run_episode(load_case("atrial-fibrillation-new"), doctor=doctor, max_turns=4)
    assert doctor.seen[0].images == []
    (image,) = doctor.seen[1].images
    assert image.of == "12-lead ECG" and image.media_type == "image/png"
    assert Path(image.path).is_file() and Path(image.path).stat().st_size < 100_000
    assert "not a patient recording" in image.caption
    logged = next(t for t in result.turns if t.payload.get("images"))
    assert f"({image.path})" in logged.text  # the replay shows the caption and the path


def test_an_exam_finding_image_reaches_the_observation():
    doctor = Recorder([Examine(request="look at the leg"), Diagnose(diagnosis="unsure")])
    run_episode(load_case("cellulitis"), doctor=doctor, max_turns=4)
    (image,) = doctor.seen[1].images
    assert image.path.endswith("shin-erythema-schematic.png") and "not a photograph" in image.caption


def test_the_doctor_io_schema_is_v2_with_images():
    assert DOCTOR_IO_VERSION == "agentsim.doctor-io/v2"
    defs = request_schema()["$defs"]
    assert "images" in defs["Observation"]["properties"]
    assert {"path", "url", "media_type", "caption", "alt", "of"} <= set(defs["ObservedImage"]["properties"])
