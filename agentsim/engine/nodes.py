"""Graph nodes: plain async functions returning partial state. They log every turn through the context."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime
from pydantic import ValidationError

from agentsim.agents.base import AgentReply, EpisodeAborted, call_act
from agentsim.engine.state import ConsultationState, EpisodeContext
from agentsim.match.leak import redact
from agentsim.model.action import ACTION_ADAPTER, Ask, Diagnose, Examine, Observation, Order, TranscriptEntry
from agentsim.model.episode import Role, Termination, TurnKind

Ctx = Runtime[EpisodeContext]


def describe_action(action: Ask | Examine | Order | Diagnose) -> str:
    if isinstance(action, Ask):
        return action.question
    if isinstance(action, Examine):
        return f"[examine] {action.request}"
    if isinstance(action, Order):
        return f"[order] {', '.join(action.tests)}"
    return f"[diagnosis] {action.diagnosis}"


def _fail(ctx: EpisodeContext, message: str, usage: dict[str, Any] | None = None) -> ConsultationState:
    tokens, llm = _usage_fields(usage or {})
    ctx.log(Role.SYSTEM, TurnKind.ERROR, message, payload={"reason": "doctor_error", **llm}, **tokens)
    return {"termination": Termination.DOCTOR_ERROR, "error": message}


def _usage_fields(usage: dict[str, Any]) -> tuple[dict[str, int], dict[str, Any]]:
    """A doctor's `last_usage` as turn columns (tokens) and payload (an LLM doctor's model, USD cost, latency
    and call counts under "llm": Turn.cost stays the consultation's medical cost)."""
    tokens = {"tokens_prompt": int(usage.get("prompt") or 0), "tokens_completion": int(usage.get("completion") or 0)}
    keys = {"model": "model", "cost": "cost_usd", "cost_known": "cost_known", "latency_ms": "latency_ms",
            "calls": "calls", "attempts": "attempts", "members": "members"}  # members: a panel doctor's, each
    llm = {name: usage[key] for key, name in keys.items() if usage.get(key) is not None}
    return tokens, ({"llm": llm} if llm else {})


async def doctor(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    if state.get("error"):  # the doctor's reset failed before the first turn (episode._consult)
        return _fail(ctx, state["error"])
    turn, spent = state.get("turn", 0), state.get("spent", 0.0)
    over_budget = ctx.budget is not None and spent >= ctx.budget
    final_turn = turn >= ctx.max_turns - 1 or over_budget
    obs = Observation(
        brief=ctx.case.doctor_view().brief, reply=state.get("reply"), transcript=state.get("transcript", []),
        turn=turn, max_turns=ctx.max_turns, spent=spent, budget=ctx.budget, final_turn=final_turn,
        max_tests_per_order=ctx.max_tests_per_order, images=state.get("images") or [],
    )
    started = time.perf_counter()
    try:
        raw = await call_act(ctx.doctor, obs)
    except EpisodeAborted as exc:  # a deliberate stop, not a bug: same record as a cancelled episode
        why = str(exc) or "the doctor ended the consultation"
        ctx.log(Role.SYSTEM, TurnKind.NOTICE, f"The episode was aborted: {why}.", payload={"reason": "aborted"})
        return {"termination": Termination.ABORTED, "error": "aborted"}
    except Exception as exc:  # a plug-in's bug ends its episode, never the run
        if getattr(exc, "fatal", False):  # a bad API key or unknown model would fail every episode: stop the run
            raise
        detail = " ".join(str(exc).split())  # one line, and no dangling colon for a bare exception
        return _fail(ctx, f"doctor raised {type(exc).__name__}" + (f": {detail}" if detail else ""),
                     getattr(ctx.doctor, "last_usage", None))
    latency = (time.perf_counter() - started) * 1000
    if not isinstance(raw, Ask | Examine | Order | Diagnose | dict):
        return _fail(ctx, f"doctor returned {type(raw).__name__}, not an action: act must return "
                          "Ask, Examine, Order or Diagnose")
    try:
        action = raw if not isinstance(raw, dict) else ACTION_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        return _fail(ctx, f"doctor returned a dict that is not an action ({where + ': ' if where else ''}"
                          f"{error['msg']})")
    if isinstance(action, Order) and len(action.tests) > ctx.max_tests_per_order:
        return _fail(ctx, f"invalid action: ordered {len(action.tests)} tests at once; the limit is "
                          f"{ctx.max_tests_per_order} per order")
    tokens, llm = _usage_fields(getattr(ctx.doctor, "last_usage", None) or {})
    # a doctor that deliberates (the panel) shows its working: payload["deliberation"], beside the action
    deliberation = getattr(ctx.doctor, "last_deliberation", None)
    if deliberation:
        llm = {**llm, "deliberation": deliberation}  # merged into the payload with the "llm" entry
    if final_turn and not isinstance(action, Diagnose):
        reason = Termination.BUDGET_EXHAUSTED if over_budget else Termination.TURN_LIMIT
        ctx.log(Role.DOCTOR, TurnKind(action.action), describe_action(action),
                payload={**action.model_dump(mode="json"), **llm}, latency_ms=latency, **tokens)
        ctx.log(Role.SYSTEM, TurnKind.NOTICE, f"The final turn needed a diagnosis; the episode ends ({reason.value}).",
                payload={"reason": reason.value})
        return {"termination": reason}

    cost = 0.0
    visit_open = state.get("visit_open", False)
    if isinstance(action, Ask | Examine) and not visit_open:
        cost, visit_open = ctx.rubric.visit_fee_usd, True  # a new physician visit starts
    elif isinstance(action, Order):
        visit_open = False  # a test order closes the visit (SDBench)
    ctx.log(Role.DOCTOR, TurnKind(action.action), describe_action(action),
            payload={**action.model_dump(mode="json"), **llm}, cost=cost, latency_ms=latency, **tokens)
    update: ConsultationState = {
        "turn": turn + 1, "spent": spent + cost, "visit_open": visit_open,
        "transcript": [*state.get("transcript", []), TranscriptEntry(role="doctor", text=describe_action(action))],
        "pending": action.model_dump(mode="json"),
    }
    if isinstance(action, Diagnose):
        update["termination"] = Termination.DIAGNOSED
    return update


def _record_reply(ctx: EpisodeContext, state: ConsultationState, role: Role, reply: AgentReply,
                  latency: float) -> ConsultationState:
    text, hits = redact(reply.text, ctx.case.diagnosis.accepted_names())
    payload: dict[str, Any] = {**reply.payload, **({"redacted": hits} if hits else {})}
    ctx.log(role, reply.kind, text, payload=payload, cost=reply.cost, synthetic=reply.synthetic, noise=reply.noise,
            latency_ms=latency, tokens_prompt=reply.tokens_prompt, tokens_completion=reply.tokens_completion)
    return {
        "reply": text,
        "images": list(reply.payload.get("images") or []),
        "spent": state.get("spent", 0.0) + reply.cost,
        "transcript": [*state.get("transcript", []), TranscriptEntry(role=role.value, text=text)],
        "pending": None,
    }


async def patient(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    started = time.perf_counter()
    reply = await ctx.patient.answer(state["pending"]["question"])
    return _record_reply(ctx, state, Role.PATIENT, reply, (time.perf_counter() - started) * 1000)


async def gatekeeper(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    action = state["pending"]
    started = time.perf_counter()
    if action["action"] == "examine":
        reply = await ctx.gatekeeper.examine(action["request"])
    else:
        reply = await ctx.gatekeeper.order(action["tests"])
    return _record_reply(ctx, state, Role.GATEKEEPER, reply, (time.perf_counter() - started) * 1000)


async def judge(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    if ctx.judge is not None:
        ctx.score = ctx.judge(ctx.case, ctx.turns)
    return {}
