"""The fake LLM server and the loopback-only network guard of tests/llm, for the LLM judge's tests here.
Imported, not copied: one guard, one server implementation (this directory gets its own server instance)."""

from tests.llm.conftest import _no_network, fake, fake_server, network_guard  # noqa: F401 - fixtures
