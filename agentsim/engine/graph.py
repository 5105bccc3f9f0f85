"""Wiring only: doctor -> (patient | gatekeeper | judge), patient/gatekeeper -> doctor, judge -> end."""

from __future__ import annotations

from functools import cache

from langgraph.graph import END, START, StateGraph

from agentsim.engine import nodes
from agentsim.engine.routing import route_after_doctor
from agentsim.engine.state import ConsultationState, EpisodeContext


@cache
def consultation_graph():  # noqa: ANN201 - a compiled LangGraph graph
    graph = StateGraph(ConsultationState, context_schema=EpisodeContext)
    graph.add_node("doctor", nodes.doctor)
    graph.add_node("patient", nodes.patient)
    graph.add_node("gatekeeper", nodes.gatekeeper)
    graph.add_node("judge", nodes.judge)

    graph.add_edge(START, "doctor")
    graph.add_conditional_edges("doctor", route_after_doctor)
    graph.add_edge("patient", "doctor")
    graph.add_edge("gatekeeper", "doctor")
    graph.add_edge("judge", END)
    return graph.compile()
