"""Every numeric option has a declared range, enforced alike in the batch spec, the API and the CLI."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from agentsim.api import ApiSettings
from agentsim.batch.spec import BatchSpec
from tests.api.conftest import api

OUT_OF_RANGE = [("llm", {"max_retries": 100_000_000}), ("llm", {"retry_max_delay": 0}),
                ("llm", {"timeout": 1e9}), ("llm", {"max_concurrency": 10_000}), ("llm", {"temperature": 9}),
                ("llm", {"seed": 2**63 - 1}), ("panel", {"max_rounds": 1_000_000_000}), ("panel", {"max_rounds": 0})]


@pytest.mark.parametrize(("doctor", "options"), OUT_OF_RANGE)
def test_the_batch_spec_refuses_options_out_of_range(doctor, options):
    with pytest.raises(ValueError, match=f"option {next(iter(options))}"):
        BatchSpec(doctors=[{"name": doctor, "model": "openai/x", "options": options}])


@pytest.mark.parametrize(("doctor", "options"), OUT_OF_RANGE)
def test_the_api_refuses_options_out_of_range(db_url, doctor, options):
    async def post() -> tuple[int, str]:
        async with api(ApiSettings(db=db_url)) as client:
            body = {"cases": ["renal-colic"], "doctors": [{"name": doctor, "model": "openai/x", "options": options}]}
            response = await client.post("/runs", json=body)
            return response.status_code, response.text

    status, text = asyncio.run(post())
    assert status == 422 and next(iter(options)) in text


@pytest.mark.parametrize(("doctor", "option"), [("llm", "max_retries=100000000"), ("llm", "retry_max_delay=0"),
                                                ("llm", "timeout=1e9"), ("panel", "max_rounds=1000000000")])
def test_the_cli_refuses_options_out_of_range(tmp_path, doctor, option):
    done = subprocess.run([sys.executable, "-m", "agentsim.cli.app", "run", "renal-colic", "--doctor", doctor,
                           "--doctor-opt", "model=openai/x", "--doctor-opt", option, "--quiet",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert option.split("=")[0] in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_options_in_range_are_accepted():
    spec = BatchSpec(doctors=[{"name": "llm", "model": "openai/x", "options": {"max_retries": 10, "timeout": 600}},
                              {"name": "panel", "model": "openai/x", "options": {"max_rounds": 10}}])
    assert spec.doctors[1].options["max_rounds"] == 10
