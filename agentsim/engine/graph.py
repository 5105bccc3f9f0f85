"""Wiring only: doctor -> (patient | gatekeeper | end), patient/gatekeeper -> doctor. Scoring is not a node:
it runs on the finished episode, as a re-score of a stored one does (agentsim.engine.episode)."""

from __future__ import annotations

from functools import cache

from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agentsim.engine import nodes
from agentsim.engine.routing import route_after_doctor
from agentsim.engine.state import ConsultationState, EpisodeContext


@cache
def consultation_graph() -> CompiledStateGraph[ConsultationState, EpisodeContext]:
    graph = StateGraph(ConsultationState, context_schema=EpisodeContext)
    graph.add_node("doctor", nodes.doctor)
    graph.add_node("patient", nodes.patient)
    graph.add_node("gatekeeper", nodes.gatekeeper)

    graph.add_edge(START, "doctor")
    graph.add_conditional_edges("doctor", route_after_doctor)
    graph.add_edge("patient", "doctor")
    graph.add_edge("gatekeeper", "doctor")
    return graph.compile()
