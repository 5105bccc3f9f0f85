"""Graph nodes: plain async functions returning partial state, each appending the turns it logged."""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime
from pydantic import ValidationError

from agentsim.agents.base import AgentReply, DoctorFailed, EpisodeAborted, call_act
from agentsim.engine.state import ConsultationState, EpisodeContext
from agentsim.errors import FatalError
from agentsim.match.leak import redact
from agentsim.model.action import (
    ACTION_ADAPTER,
    Action,
    Ask,
    Diagnose,
    DoctorTurn,
    Examine,
    Observation,
    Order,
    TranscriptEntry,
    describe_action,
)
from agentsim.model.episode import Role, Termination, Turn, TurnKind
from agentsim.model.usage import Usage

Ctx = Runtime[EpisodeContext]
_SEEN_BY_DOCTOR = {Role.DOCTOR, Role.PATIENT, Role.GATEKEEPER}


def _usage_fields(usage: Usage | None) -> dict[str, Any]:
    """A turn's usage as turn columns (tokens) and payload (model, USD, latency, calls under "llm")."""
    if usage is None:
        return {}
    return {"tokens_prompt": usage.prompt, "tokens_completion": usage.completion}


async def _fail(ctx: EpisodeContext, message: str, usage: Usage | None = None) -> ConsultationState:
    payload: dict[str, Any] = {"reason": "doctor_error", **({"llm": usage.payload()} if usage else {})}
    turn = ctx.new_turn(Role.SYSTEM, TurnKind.ERROR, message, payload=payload, **_usage_fields(usage))
    return {"termination": Termination.DOCTOR_ERROR, "error": message, "turns": [turn]}


def _observation(ctx: EpisodeContext, state: ConsultationState, *, final_turn: bool) -> Observation:
    seen = [t for t in state.get("turns", []) if t.role in _SEEN_BY_DOCTOR]
    episode = ctx.episode
    last = next((t for t in reversed(seen) if t.role is not Role.DOCTOR), None)
    # images come with the reply that carried them, and only while it is the latest thing the doctor sees
    images = (last.payload.get("images") or []) if last is not None and seen and seen[-1] is last else []
    return Observation(
        brief=ctx.brief, reply=last.text if last is not None else None,
        transcript=[TranscriptEntry(role=t.role.value, text=t.text) for t in seen], turn=state.get("turn", 0),
        max_turns=episode.spec.max_turns, spent=state.get("spent", 0.0), budget=episode.spec.budget,
        final_turn=final_turn, max_tests_per_order=episode.spec.max_tests_per_order, images=images,
    )


def _one_line(prefix: str, exc: BaseException) -> str:
    detail = " ".join(str(exc).split())  # one line, and no dangling colon for a bare exception
    return f"{prefix} {type(exc).__name__}" + (f": {detail}" if detail else "")


async def doctor(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    spec = ctx.episode.spec
    if state.get("error"):  # the doctor's reset failed before the first turn (see run.simulate)
        return await _fail(ctx, state["error"] or "")
    turn, spent = state.get("turn", 0), state.get("spent", 0.0)
    over_budget = spec.budget is not None and spent >= spec.budget
    final_turn = turn >= spec.max_turns - 1 or over_budget
    await ctx.flush()  # everything the doctor is about to see is durable first
    started = time.perf_counter()
    try:
        raw = await call_act(ctx.episode.doctor, _observation(ctx, state, final_turn=final_turn))
    except EpisodeAborted as exc:  # a deliberate stop, not a bug: same record as a cancelled episode
        why = str(exc) or "the doctor ended the consultation"
        notice = ctx.new_turn(Role.SYSTEM, TurnKind.NOTICE, f"The episode was aborted: {why}.",
                                    payload={"reason": "aborted"})
        return {"termination": Termination.ABORTED, "error": "aborted", "turns": [notice]}
    except FatalError:  # a bad API key or unknown model would fail every episode: stop the run
        raise
    except DoctorFailed as exc:
        if isinstance(exc.cause, FatalError):
            raise exc.cause from None
        return await _fail(ctx, _one_line("doctor raised", exc.cause), exc.usage)
    except Exception as exc:  # a plug-in's bug ends its episode, never the run
        return await _fail(ctx, _one_line("doctor raised", exc))
    latency = (time.perf_counter() - started) * 1000
    action, problem = _read_action(raw, limit=spec.max_tests_per_order)
    if action is None:
        return await _fail(ctx, problem or "doctor returned no action")
    dturn = raw if isinstance(raw, DoctorTurn) else None
    usage = dturn.usage if dturn else None
    extra: dict[str, Any] = {"llm": usage.payload()} if usage else {}
    if dturn and dturn.deliberation:  # a doctor that deliberates (the panel) shows its working
        extra["deliberation"] = dturn.deliberation
    fields: dict[str, Any] = {"payload": {**action.model_dump(mode="json"), **extra}, "latency_ms": latency,
                              **_usage_fields(usage)}
    if final_turn and not isinstance(action, Diagnose):
        reason = Termination.BUDGET_EXHAUSTED if over_budget else Termination.TURN_LIMIT
        logged = ctx.new_turn(Role.DOCTOR, TurnKind(action.action), describe_action(action), **fields)
        notice = ctx.new_turn(Role.SYSTEM, TurnKind.NOTICE, "The final turn needed a diagnosis; the episode "
                                    f"ends ({reason.value}).", payload={"reason": reason.value})
        return {"termination": reason, "turns": [logged, notice]}

    cost = 0.0
    visit_open = state.get("visit_open", False)
    if isinstance(action, Ask | Examine) and not visit_open:
        cost, visit_open = ctx.episode.rubric.visit_fee_usd, True  # a new physician visit starts
    elif isinstance(action, Order):
        visit_open = False  # a test order closes the visit (SDBench)
    logged = ctx.new_turn(Role.DOCTOR, TurnKind(action.action), describe_action(action), cost=cost, **fields)
    update: ConsultationState = {"turn": turn + 1, "spent": spent + cost, "visit_open": visit_open,
                                 "pending": action, "turns": [logged]}
    if isinstance(action, Diagnose):
        update["termination"] = Termination.DIAGNOSED
    return update


def _read_action(raw: object, *, limit: int) -> tuple[Action | None, str | None]:
    """What `act` returned, as an action, or why it is not one."""
    if isinstance(raw, DoctorTurn):
        raw = raw.action
    if isinstance(raw, dict):
        try:
            raw = ACTION_ADAPTER.validate_python(raw)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(part) for part in error["loc"])
            return None, f"doctor returned a dict that is not an action ({where + ': ' if where else ''}{error['msg']})"
    if not isinstance(raw, Action):
        return None, (f"doctor returned {type(raw).__name__}, not an action: act must return "
                      "Ask, Examine, Order or Diagnose")
    if isinstance(raw, Order) and len(raw.tests) > limit:
        return None, f"invalid action: ordered {len(raw.tests)} tests at once; the limit is {limit} per order"
    return raw, None


async def _record_reply(ctx: EpisodeContext, state: ConsultationState, role: Role, reply: AgentReply,
                        latency: float) -> ConsultationState:
    text, hits = redact(reply.text, ctx.episode.case.diagnosis.accepted_names())
    payload: dict[str, Any] = {**reply.payload, **({"redacted": hits} if hits else {})}
    if reply.usage is not None:  # the agent's own "llm" notes (fallbacks, errors) beside its spend
        payload["llm"] = {**reply.usage.payload(), **payload.get("llm", {})}
    turn: Turn = ctx.new_turn(role, reply.kind, text, payload=payload, cost=reply.cost,
                                    synthetic=reply.synthetic, noise=reply.noise, latency_ms=latency,
                                    **_usage_fields(reply.usage))
    return {"spent": state.get("spent", 0.0) + reply.cost, "pending": None, "turns": [turn]}


async def patient(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    action = state.get("pending")
    assert isinstance(action, Ask), "routing sends only questions to the patient"
    started = time.perf_counter()
    reply = await ctx.episode.patient.answer(action.question)
    return await _record_reply(ctx, state, Role.PATIENT, reply, (time.perf_counter() - started) * 1000)


async def gatekeeper(state: ConsultationState, runtime: Ctx) -> ConsultationState:
    ctx = runtime.context
    action = state.get("pending")
    started = time.perf_counter()
    if isinstance(action, Examine):
        reply = await ctx.episode.gatekeeper.examine(action.request)
    elif isinstance(action, Order):
        reply = await ctx.episode.gatekeeper.order(action.tests)
    else:  # pragma: no cover - routing sends only exams and orders here
        raise AssertionError(f"the gatekeeper cannot answer {action!r}")
    return await _record_reply(ctx, state, Role.GATEKEEPER, reply, (time.perf_counter() - started) * 1000)
