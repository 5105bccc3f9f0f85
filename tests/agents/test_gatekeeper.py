"""The offline gatekeeper follows SDBench's rules."""

from __future__ import annotations

import asyncio

import pytest

from agentsim.agents.gatekeeper.rules import RulesGatekeeper
from agentsim.model.episode import TurnKind


@pytest.fixture
def gk(stemi, catalogue):
    return RulesGatekeeper(stemi.gatekeeper_view(), catalogue=catalogue)


def order(gk, *tests):
    return asyncio.run(gk.order(list(tests)))


def examine(gk, request):
    return asyncio.run(gk.examine(request))


@pytest.mark.parametrize("name", ["ECG", "EKG", "12-lead ECG", "electrocardiogram please"])
def test_orders_resolve_through_aliases(gk, name):
    result = order(gk, name).payload["results"][0]
    assert result["test_id"] == "ecg" and result["status"] == "resulted" and not result["synthetic"]


@pytest.mark.parametrize(("name", "test_id"), [("FBC", "cbc"), ("full blood count", "cbc"), ("U&Es", "bmp"),
                                                ("troponin I", "troponin"), ("hs-troponin", "troponin"),
                                                ("CXR", "cxr"), ("chest x-ray", "cxr")])
def test_us_and_uk_names(gk, name, test_id):
    assert order(gk, name).payload["results"][0]["test_id"] == test_id


def test_tests_not_in_the_case_get_a_normal_result_marked_synthetic(gk, catalogue):
    reply = order(gk, "TSH")
    result = reply.payload["results"][0]
    assert result["status"] == "resulted" and result["synthetic"] is True and reply.synthetic
    assert catalogue.get("tsh").normal_result in reply.text
    assert "synthetic" not in reply.text.lower()  # invisible as such to the doctor


@pytest.mark.parametrize("vague", ["bloods", "all tests", "routine bloods", "a scan", "everything"])
def test_vague_orders_are_refused(gk, vague):
    reply = order(gk, vague)
    assert reply.payload["results"][0]["status"] == "refused"
    assert "name the specific tests" in reply.text and reply.cost == 0


def test_pathognomonic_results_need_the_exact_test(gk):
    typo = order(gk, "electrocardiogran")
    assert typo.payload["results"][0]["status"] == "refused"
    assert "ST elevation" not in typo.text
    assert "ST elevation" in order(gk, "ECG").text


def test_exam_reveals_only_what_is_asked(gk):
    reply = examine(gk, "listen to his heart")
    assert reply.kind is TurnKind.EXAM_RESULT
    assert "fourth heart sound" in reply.text
    assert "Soft, non-tender" not in reply.text  # the abdomen was not asked for


def test_systems_not_in_the_case_are_normal(gk):
    reply = examine(gk, "look in his ears")
    assert "tympanic membranes normal" in reply.text


def test_vague_exam_is_refused(gk):
    reply = examine(gk, "examine the patient")
    assert reply.kind is TurnKind.REFUSAL and reply.payload["reason"] == "vague"


def test_test_prices_come_from_the_catalogue(gk, catalogue):
    reply = order(gk, "ECG", "troponin")
    assert reply.cost == catalogue.get("ecg").price_usd + catalogue.get("troponin").price_usd


def test_a_manoeuvre_ordered_like_a_test_is_performed_free(gk):
    reply = order(gk, "check JVP")
    result = reply.payload["results"][0]
    assert result["status"] == "examined" and result["price_usd"] == 0 and reply.cost == 0
    assert "JVP not raised" in reply.text  # the case's own cardiovascular finding


@pytest.mark.parametrize(("name", "test_id"), [("repeat U&Es this evening", "bmp"), ("renal tract USS", "us-renal"),
                                                ("CSF MC&S, protein and glucose", "csf-analysis"),
                                                ("troponim", "troponin")])
def test_orders_with_shorthand_filler_and_typos(gk, name, test_id):
    assert order(gk, name).payload["results"][0]["test_id"] == test_id


@pytest.mark.parametrize("vague", ["some x-rays", "tumour markers", "septic screen", "the usual bloods"])
def test_orders_built_on_a_generic_noun_are_vague(gk, vague):
    assert order(gk, vague).payload["results"][0]["status"] == "refused"
