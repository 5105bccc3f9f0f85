"""Test doubles users and the project share: an OpenAI-compatible fake LLM server (`agentsim fake-llm`) with
scripted doctor, patient, gatekeeper, judge and panel roles, latency and faults. It imports only the public
models and the judge's grader, so a user's own tests can run every LLM path offline through litellm."""
