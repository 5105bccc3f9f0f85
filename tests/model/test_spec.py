"""EpisodeSpec, the one description of an episode every caller builds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentsim.agents.base import Doctor
from agentsim.model.action import Diagnose
from agentsim.model.spec import SEED_MAX, EpisodeSpec, RoleSpec


class Named(Doctor):
    name = "named"

    def act(self, obs):
        return Diagnose(diagnosis="x")


def test_defaults_are_the_offline_agents():
    spec = EpisodeSpec(case="renal-colic")
    assert (spec.doctor.ref, spec.patient.ref, spec.gatekeeper.ref) == ("checklist", "retrieval", "rules")
    assert spec.max_turns == 20 and spec.seed == 0 and spec.judge.rubric == "default" and spec.judge.model is None


def test_a_built_object_is_used_but_never_serialised():
    doctor = Named()
    spec = EpisodeSpec(case="renal-colic", doctor=RoleSpec(ref="named", instance=doctor))
    assert spec.doctor.instance is doctor
    dumped = spec.model_dump(mode="json")
    assert "instance" not in dumped["doctor"] and dumped["doctor"] == {"ref": "named", "options": {}}
    assert "instance" not in EpisodeSpec.model_json_schema()["$defs"]["RoleSpec"]["properties"]


@pytest.mark.parametrize("field, value", [("seed", SEED_MAX + 1), ("seed", -1), ("max_turns", 0),
                                          ("budget", -5.0), ("max_tests_per_order", 0)])
def test_bounds_are_refused_with_the_field_named(field, value):
    with pytest.raises(ValidationError, match=field):
        EpisodeSpec(case="renal-colic", **{field: value})


def test_a_path_becomes_text():
    from pathlib import Path

    assert EpisodeSpec(case=Path("scenarios/renal-colic.yaml")).case == "scenarios/renal-colic.yaml"
