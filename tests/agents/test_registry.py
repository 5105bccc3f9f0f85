"""One resolver for every role: built-ins by name, and file or module references for patients and
gatekeepers as for doctors."""

from __future__ import annotations

import pytest

from agentsim.engine.episode import run_episode
from agentsim.errors import UserError
from agentsim.model.spec import EpisodeSpec, RoleSpec

FILE = "tests/fixtures/plugins/other_roles.py"


def test_patient_and_gatekeeper_plug_ins_run_an_episode():
    spec = EpisodeSpec(case="renal-colic", patient=RoleSpec(ref=f"{FILE}:EchoPatient", options={"greeting": "Hi."}),
                       gatekeeper=RoleSpec(ref=f"{FILE}:QuietGatekeeper"), max_turns=6)
    result = run_episode(spec)
    assert result.turns[0].text == "Hi."
    assert result.agents.patient == f"{FILE}:EchoPatient" and result.agents.gatekeeper == f"{FILE}:QuietGatekeeper"
    assert {t.text for t in result.turns if t.role.value == "patient"} <= {"Hi.", "I would rather not say."}


def test_an_object_without_the_contract_is_one_clear_error():
    spec = EpisodeSpec(case="renal-colic", patient=RoleSpec(ref=f"{FILE}:NotAPatient"))
    with pytest.raises(UserError, match="is not a patient: a NotAPatient needs"):
        run_episode(spec)


def test_an_unknown_patient_names_the_built_ins():
    with pytest.raises(UserError, match="unknown patient 'nobody'; available: llm, retrieval"):
        run_episode(EpisodeSpec(case="renal-colic", patient=RoleSpec(ref="nobody")))


def test_a_duck_typed_doctor_is_wrapped_at_the_boundary_and_keeps_its_name():
    result = run_episode(EpisodeSpec(case="renal-colic", doctor=RoleSpec(ref=f"{FILE}:DuckDoctor")))
    assert result.termination.value == "diagnosed" and result.agents.doctor == f"{FILE}:DuckDoctor"
