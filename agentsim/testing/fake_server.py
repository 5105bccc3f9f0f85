"""A real OpenAI-compatible HTTP server with scripted roles, for testing every LLM path offline.

POST /v1/chat/completions and GET /v1/models speak the OpenAI wire format (tool calls, usage), so litellm
talks to it exactly as to a provider (`openai/fake-doctor` with api_base http://127.0.0.1:PORT/v1).
Which role answers is read from the system prompt (see fake_roles). Faults are injected by rate (seeded,
so a run is reproducible) or by an explicit sequence, one fault per request:

    429 (with Retry-After) | 500 | timeout (hold the request until the client gives up) | malformed (a 200
    whose body is not JSON) | 401 | 404 | bad_args (doctor: truncated tool-call JSON) | no_tool (doctor:
    tagged text although tools were offered) | nonsense (doctor: no action at all; a panel member: junk
    instead of JSON) | hallucinate (patient: invents a symptom; gatekeeper: alters the numbers) | bad_json
    (judge: truncated JSON) | disagree (judge: a verdict flipped against the derived one) | ok (no fault)

A sequence item may name a role, `patient:hallucinate`, to apply to that role's next request only.
POST /_admin/config replaces the config (and resets sequences, seed and stats); GET /_admin/stats tells
what each request got. Start it with `agentsim fake-llm --port N`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import defaultdict, deque
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from agentsim.testing import fake_panel, fake_roles  # noqa: F401 - fake_panel registers the panel members' roles
from agentsim.testing.fake_roles import FakeRequest, Reply

FAULTS = ("429", "500", "timeout", "malformed", "401", "404", "bad_args", "no_tool", "nonsense", "hallucinate",
          "bad_json", "disagree", "ok")
MODELS = ("fake-doctor", "fake-patient", "fake-gatekeeper", "fake-judge", "fake-panel")


class FakeConfig(BaseModel):
    latency_ms: float = Field(default=0.0, ge=0)
    fault_rate: float = Field(default=0.0, ge=0, le=1, description="chance per request of a random fault")
    fault_kinds: list[str] = Field(default_factory=lambda: ["429", "500", "timeout", "malformed"])
    faults: list[str] = Field(default_factory=list, description="explicit per-request sequence; role:fault allowed")
    seed: int = 0
    retry_after: float = Field(default=1.0, ge=0, description="seconds sent in Retry-After with a 429")
    hang_s: float = Field(default=600.0, ge=0, description="longest a 'timeout' fault holds a request")
    api_key: str | None = Field(default=None, description="when set, any other bearer token gets a 401")
    diagnosis: str = "acute coronary syndrome"
    differential: list[str] = Field(default_factory=lambda: ["aortic dissection", "pulmonary embolism"])
    judge_reply: dict[str, Any] | None = None
    leak: str | None = Field(default=None, description="appended to every patient and examiner reply: a model "
                                                        "saying what it must not, for the engine's leak filter")
    panel_tests: list[str] = Field(default_factory=lambda: ["ECG", "troponin", "chest X-ray"],
                                   description="what the fake Dr Test-Chooser proposes, in order")


class _State:
    def __init__(self, config: FakeConfig):
        self.configure(config)

    def configure(self, config: FakeConfig) -> None:
        for item in config.faults:
            if item.split(":")[-1] not in FAULTS:
                raise ValueError(f"unknown fault {item!r}; known: {', '.join(FAULTS)}")
        self.config = config
        self.rng = random.Random(config.seed)
        self.shared: deque[str] = deque(f for f in config.faults if ":" not in f)
        self.by_role: dict[str, deque[str]] = defaultdict(deque)
        for item in config.faults:
            if ":" in item:
                role, fault = item.split(":", 1)
                self.by_role[role].append(fault)
        self.log: list[dict[str, Any]] = []
        self.in_flight: dict[str, int] = {}  # requests being answered now, per model
        self.ids = itertools.count(1)

    def next_fault(self, role: str) -> str | None:
        for queue in (self.by_role[role], self.shared):
            if queue:
                fault = queue.popleft()
                return None if fault == "ok" else fault
        if self.config.fault_rate and self.rng.random() < self.config.fault_rate:
            return self.rng.choice(self.config.fault_kinds)
        return None


def create_app(config: FakeConfig | None = None) -> FastAPI:
    app = FastAPI(title="agentsim fake LLM", docs_url=None, redoc_url=None)
    state = _State(config or FakeConfig())
    app.state.fake = state

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "agentsim"} for m in MODELS]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.json()
        req = FakeRequest(messages=body.get("messages") or [], model=str(body.get("model", "")),
                          tools=body.get("tools"), tool_choice=body.get("tool_choice"),
                          response_format=body.get("response_format"))
        role = fake_roles.detect_role(req.messages, req.model)
        fault = state.next_fault(role)
        n = next(state.ids)
        state.in_flight[req.model] = state.in_flight.get(req.model, 0) + 1
        try:
            return await _answer(request, state, req, role, fault, n)
        finally:
            state.in_flight[req.model] -= 1

    async def _answer(request: Request, state: _State, req: FakeRequest, role: str, fault: str | None,
                      n: int) -> Response:
        cfg = state.config
        state.log.append({"n": n, "role": role, "model": req.model, "fault": fault, "tools": bool(req.tools),
                          "in_flight": dict(state.in_flight),  # requests under way per model, this one included
                          "tool_choice": req.tool_choice, "messages": len(req.messages),
                          "response_format": (req.response_format or {}).get("type"),
                          "tool_names": [t.get("function", {}).get("name") for t in req.tools or []],
                          "image_parts": _image_parts(req.messages)})
        if cfg.latency_ms:
            await asyncio.sleep(cfg.latency_ms / 1000)
        if cfg.api_key is not None and request.headers.get("authorization") != f"Bearer {cfg.api_key}":
            fault = "401"
        if fault in ("429", "500", "401", "404"):
            return _error(fault, req.model, cfg)
        if fault == "timeout":
            await _hang(request, cfg.hang_s)
            return _error("500", req.model, cfg)
        if fault == "malformed":
            return Response(content=b'{"id": "chatcmpl-broken", "choices": [{"mess', media_type="application/json")
        reply = fake_roles.ROLE_HANDLERS[role](req, cfg, fault)
        if cfg.leak and role in ("patient", "gatekeeper"):
            reply.text = f"{reply.text or ''} {cfg.leak}".strip()
        return JSONResponse(_completion(n, req, reply))

    @app.post("/_admin/config")
    async def admin_config(update: FakeConfig) -> dict[str, Any]:
        try:
            state.configure(update)
        except ValueError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)  # type: ignore[return-value]
        return update.model_dump()

    @app.get("/_admin/stats")
    async def admin_stats() -> dict[str, Any]:
        return {"requests": state.log}

    return app


async def _hang(request: Request, limit: float) -> None:
    """Hold the request until the client disconnects (its timeout fired) or `limit` passes."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.02)


def _error(code: str, model: str, cfg: FakeConfig) -> JSONResponse:
    status, kind, message, extra = {
        "429": (429, "rate_limit_exceeded", "Rate limit reached for fake requests", "requests"),
        "500": (500, "server_error", "The fake server had an error processing your request", None),
        "401": (401, "invalid_api_key", "Incorrect API key provided", "invalid_request_error"),
        "404": (404, "model_not_found", f"The model `{model}` does not exist", "invalid_request_error"),
    }[code]
    headers = {"retry-after": f"{cfg.retry_after:g}"} if code == "429" else {}
    body = {"error": {"message": message, "type": extra or kind, "param": None, "code": kind}}
    return JSONResponse(body, status_code=status, headers=headers)


def _image_parts(messages: list[dict[str, Any]]) -> list[str]:
    """The image URLs a request carried (content parts of type image_url): data URLs shortened to their type."""
    out = []
    for m in messages:
        content = m.get("content")
        for part in content if isinstance(content, list) else []:
            if isinstance(part, dict) and part.get("type") == "image_url":
                url = str((part.get("image_url") or {}).get("url", ""))
                out.append(url.split(";", 1)[0] if url.startswith("data:") else url)
    return out


def _count(text: Any) -> int:
    return len(fake_roles.words(str(text or "")))  # rough on purpose: one token per word


def _completion(n: int, req: FakeRequest, reply: Reply) -> dict[str, Any]:
    prompt = sum(_count(fake_roles.text_of(m)) + _count(m.get("tool_calls")) for m in req.messages)
    calls = [{"id": f"call_{n}_{i}", "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}}
             for i, c in enumerate(reply.tool_calls)]
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if calls:
        message["tool_calls"] = calls
    completion = _count(reply.text) + sum(_count(c["arguments"]) + 1 for c in reply.tool_calls)
    return {
        "id": f"chatcmpl-fake-{n}", "object": "chat.completion", "created": int(time.time()), "model": req.model,
        "system_fingerprint": "fake", "choices": [{"index": 0, "message": message, "logprobs": None,
                                                   "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
    }
