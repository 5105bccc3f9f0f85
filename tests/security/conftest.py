"""The fake LLM server and the loopback-only network guard, shared with tests/llm."""

from tests.llm.conftest import _no_network, fake, fake_server, network_guard  # noqa: F401 - fixtures
