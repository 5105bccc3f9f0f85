"""simulate(): one consultation through the graph. No database, no console, no scoring: it returns what
happened (the turns, why it ended, the error if any) and hands each turn to the sink as it happens."""

from __future__ import annotations

from pydantic import BaseModel

from agentsim.agents.base import call_reset
from agentsim.engine.build import BuiltEpisode
from agentsim.engine.graph import consultation_graph
from agentsim.engine.state import ConsultationState, EpisodeContext, TurnSink
from agentsim.match.leak import redact
from agentsim.model.episode import Role, Termination, Turn, TurnKind


class Simulation(BaseModel):
    turns: list[Turn]
    termination: Termination
    error: str | None = None


async def simulate(episode: BuiltEpisode, *, context: EpisodeContext) -> Simulation:
    reset_error = None
    try:
        await call_reset(episode.doctor, context.brief)
    except Exception as exc:  # a plug-in's broken reset ends its episode (in the doctor node), not the run
        detail = " ".join(str(exc).split())
        reset_error = f"doctor reset raised {type(exc).__name__}" + (f": {detail}" if detail else "")
    opening = await episode.patient.opening()
    text, hits = redact(opening.text, episode.case.diagnosis.accepted_names())
    first = context.new_turn(Role.PATIENT, TurnKind.OPENING, text, noise=opening.noise,
                                   payload={**opening.payload, **({"redacted": hits} if hits else {})})
    state: ConsultationState = {"turn": 0, "spent": 0.0, "visit_open": False, "pending": None, "termination": None,
                                "turns": [first], "error": reset_error}
    # each doctor turn is up to two graph steps (doctor, reply): leave room for max_turns of them
    limit = 2 * episode.spec.max_turns + 10
    final = await consultation_graph().ainvoke(state, context=context, config={"recursion_limit": limit})
    return Simulation(turns=final["turns"], termination=final.get("termination") or Termination.ABORTED,
                      error=final.get("error"))


def new_context(episode: BuiltEpisode, *, episode_id: str, sink: TurnSink | None) -> EpisodeContext:
    return EpisodeContext(episode=episode, episode_id=episode_id, brief=episode.case.doctor_view().brief, sink=sink)
