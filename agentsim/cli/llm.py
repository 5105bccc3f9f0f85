"""`agentsim fake-llm`: serve the fake OpenAI-compatible LLM, to try the LLM agents with no key and no network.
Imports uvicorn and FastAPI inside the command, so `agentsim --help` stays fast."""

from __future__ import annotations

from typing import Annotated

import typer


def fake_llm(
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8808,
    host: Annotated[str, typer.Option(help="interface; keep it on loopback")] = "127.0.0.1",
    latency_ms: Annotated[float, typer.Option(min=0, help="added to every request")] = 0.0,
    fault_rate: Annotated[float, typer.Option(min=0, max=1, help="chance per request of a random fault")] = 0.0,
    faults: Annotated[str, typer.Option(
        help="explicit fault sequence, one per request, comma-separated: 429,500,timeout,malformed,401,404,"
             "bad_args,no_tool,nonsense,hallucinate,bad_json,disagree,ok (role:fault for one role, e.g. "
             "judge:disagree or panel_hypothesis:nonsense)")] = "",
    retry_after: Annotated[float, typer.Option(min=0, help="seconds sent in Retry-After with a 429")] = 1.0,
    seed: Annotated[int, typer.Option(help="seed for random faults")] = 0,
) -> None:
    """Serve a fake OpenAI-compatible LLM: scripted doctor, panel members, patient, examiner and judge, with
    fault injection.

    Then: agentsim run chest-pain-stemi --doctor-model openai/fake-doctor --api-base http://127.0.0.1:8808/v1
    (with OPENAI_API_KEY set to anything).
    """
    import uvicorn

    from agentsim.errors import UserError
    from agentsim.testing.fake_server import FakeConfig, create_app

    try:
        config = FakeConfig(latency_ms=latency_ms, fault_rate=fault_rate, retry_after=retry_after, seed=seed,
                            faults=[f.strip() for f in faults.split(",") if f.strip()])
        app = create_app(config)
    except ValueError as exc:
        raise UserError(f"fake-llm: {exc}") from None
    typer.echo(f"fake LLM on http://{host}:{port}/v1 (models: openai/fake-doctor, openai/fake-patient, ...)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
