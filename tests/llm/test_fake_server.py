"""The fake OpenAI-compatible server itself: wire format, roles, judge hook, faults, the CLI command."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import httpx
import pytest

from agentsim.testing import fake_roles
from agentsim.testing.fake_roles import FakeRequest


def chat(fake, messages, **body):
    return httpx.post(f"{fake.api_base}/chat/completions", json={"model": "fake", "messages": messages, **body},
                      timeout=5)


def test_models_and_wire_format(fake):
    models = httpx.get(f"{fake.api_base}/models", timeout=5).json()
    assert {m["id"] for m in models["data"]} >= {"fake-doctor", "fake-patient", "fake-gatekeeper", "fake-judge"}
    out = chat(fake, [{"role": "system", "content": "You are the patient.\nYour facts:\n- I smoke twenty a day.\n"
                                                    "- My knee hurts."},
                      {"role": "user", "content": "Do you smoke?"}]).json()
    assert out["object"] == "chat.completion" and out["choices"][0]["message"]["content"] == "I smoke twenty a day."
    assert out["usage"]["prompt_tokens"] > 0 and out["usage"]["total_tokens"] == (
        out["usage"]["prompt_tokens"] + out["usage"]["completion_tokens"])
    unknown = chat(fake, [{"role": "system", "content": "You are the patient.\nYour facts:\n- I smoke."},
                          {"role": "user", "content": "Any rash?"}]).json()
    assert unknown["choices"][0]["message"]["content"] == "No."


def test_judge_hook_returns_json(fake):
    judge = [{"role": "system", "content": "You are the judge."}, {"role": "user", "content": "Grade this."}]
    assert "likert" in json.loads(chat(fake, judge).json()["choices"][0]["message"]["content"])
    schema = {"type": "object", "properties": {"score": {"type": "integer"}, "why": {"type": "string"},
                                               "verdict": {"enum": ["correct", "incorrect"]}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "grade", "schema": schema}}
    reply = json.loads(chat(fake, judge, response_format=fmt).json()["choices"][0]["message"]["content"])
    assert reply == {"score": 3, "why": "fake", "verdict": "correct"}
    fake.configure(judge_reply={"likert": 5})
    assert json.loads(chat(fake, judge).json()["choices"][0]["message"]["content"]) == {"likert": 5}


def test_role_detection():
    detect = fake_roles.detect_role
    assert detect([{"role": "system", "content": "You are the examiner (the gatekeeper)"}], "x") == "gatekeeper"
    assert detect([{"role": "system", "content": "You are the doctor in a ..."}], "x") == "doctor"
    assert detect([{"role": "user", "content": "hi"}], "openai/fake-judge") == "judge"
    assert detect([{"role": "user", "content": "hi"}], "other") == "echo"
    assert fake_roles.patient(FakeRequest(messages=[]), None, "hallucinate").text == fake_roles.HALLUCINATION


def test_fault_injection_by_sequence(fake):
    doctor = [{"role": "system", "content": "You are the doctor."}, {"role": "user", "content": "hi"}]
    fake.configure(faults=["429", "malformed", "ok", "401"], retry_after=2)
    limited = chat(fake, doctor)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    broken = chat(fake, doctor)
    assert broken.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.text)
    assert chat(fake, doctor).status_code == 200
    assert chat(fake, doctor).status_code == 401
    assert [r["fault"] for r in fake.requests()] == ["429", "malformed", None, "401"]


def test_unknown_fault_is_rejected(fake):
    response = httpx.post(f"{fake.url}/_admin/config", json={"faults": ["explode"]}, timeout=5)
    assert response.status_code == 400 and "explode" in response.text


def test_agentsim_fake_llm_command_serves():
    with socket.socket() as probe:  # a free loopback port for the child process
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-m", "agentsim.cli.app", "fake-llm", "--port", str(port),
                              "--latency-ms", "1", "--faults", "500"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_admin/stats", timeout=1)
                break
            except httpx.TransportError:
                assert child.poll() is None and time.monotonic() < deadline, child.stderr.read() if child.stderr else ""
                time.sleep(0.1)
        assert response.json() == {"requests": []}
        assert chat_at(port).status_code == 500 and chat_at(port).status_code == 200
    finally:
        child.terminate()
        child.wait(timeout=10)


def chat_at(port):
    return httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", timeout=5,
                      json={"model": "m", "messages": [{"role": "system", "content": "You are the doctor."}]})
