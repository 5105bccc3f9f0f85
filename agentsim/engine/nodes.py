"""Graph nodes: plain async functions returning partial state. They log every turn through the context."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime
from pydantic import ValidationError

from agentsim.agents.base import AgentReply, call_act
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


def _fail(ctx: EpisodeContext, message: str) -> ConsultationState:
    ctx.log(Role.SYSTEM, TurnKind.ERROR, message, payload={"reason": "doctor_error"})
    return {"termination": Termination.DOCTOR_ERROR, "error": message}


async def doctor(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    turn, spent = state.get("turn", 0), state.get("spent", 0.0)
    over_budget = ctx.budget is not None and spent >= ctx.budget
    final_turn = turn >= ctx.max_turns - 1 or over_budget
    obs = Observation(
        brief=ctx.case.doctor_view().brief, reply=state.get("reply"), transcript=state.get("transcript", []),
        turn=turn, max_turns=ctx.max_turns, spent=spent, budget=ctx.budget, final_turn=final_turn,
        max_tests_per_order=ctx.max_tests_per_order,
    )
    started = time.perf_counter()
    try:
        raw = await call_act(ctx.doctor, obs)
    except Exception as exc:  # a plug-in's bug ends its episode, never the run
        return _fail(ctx, f"doctor raised {type(exc).__name__}: {exc}")
    latency = (time.perf_counter() - started) * 1000
    try:
        action = raw if isinstance(raw, Ask | Examine | Order | Diagnose) else ACTION_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        return _fail(ctx, f"doctor returned something that is not an action ({type(raw).__name__}): "
                          f"{exc.errors()[0]['msg']}")
    if isinstance(action, Order) and len(action.tests) > ctx.max_tests_per_order:
        return _fail(ctx, f"invalid action: ordered {len(action.tests)} tests at once; the limit is "
                          f"{ctx.max_tests_per_order} per order")
    usage = getattr(ctx.doctor, "last_usage", None) or {}
    if final_turn and not isinstance(action, Diagnose):
        reason = Termination.BUDGET_EXHAUSTED if over_budget else Termination.TURN_LIMIT
        ctx.log(Role.DOCTOR, TurnKind(action.action), describe_action(action),
                payload=action.model_dump(mode="json"), latency_ms=latency)
        ctx.log(Role.SYSTEM, TurnKind.NOTICE, f"The final turn needed a diagnosis; the episode ends ({reason.value}).",
                payload={"reason": reason.value})
        return {"termination": reason}

    cost = 0.0
    visit_open = state.get("visit_open", False)
    if isinstance(action, Ask | Examine) and not visit_open:
        cost, visit_open = ctx.rubric.visit_fee_usd, True  # a new physician visit starts
    elif isinstance(action, Order):
        visit_open = False  # a test order closes the visit (SDBench)
    ctx.log(Role.DOCTOR, TurnKind(action.action), describe_action(action), payload=action.model_dump(mode="json"),
            cost=cost, latency_ms=latency, tokens_prompt=usage.get("prompt", 0),
            tokens_completion=usage.get("completion", 0))
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
