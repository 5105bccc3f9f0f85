"""Usage: one shape of LLM spend for every role, folded call by call."""

from agentsim.model.usage import Usage


def call(prompt, completion, cost, *, model="m", known=True):
    return Usage(prompt=prompt, completion=completion, cost=cost, cost_known=known, latency_ms=10.0, calls=1,
                 attempts=2, model=model)


def test_calls_add_up_and_an_unknown_price_is_remembered():
    total = Usage()
    total.add(call(100, 10, 0.01))
    total.add(call(50, 5, 0.0, model="other", known=False))
    assert (total.prompt, total.completion, total.calls, total.attempts) == (150, 15, 2, 4)
    assert total.model == "m" and total.cost_known is False and round(total.cost, 6) == 0.01


def test_members_are_kept_apart_and_in_the_payload():
    total = Usage(model="panel")
    total.add(call(10, 1, 0.001), member="hypothesis")
    total.add(call(20, 2, 0.002), member="hypothesis")
    total.add(call(5, 1, 0.0), member="chair")
    payload = total.payload()
    assert payload["model"] == "panel" and payload["calls"] == 3
    assert payload["members"]["hypothesis"]["prompt"] == 30 and payload["members"]["chair"]["calls"] == 1


def test_a_turn_without_members_has_no_members_entry():
    assert "members" not in call(1, 1, 0.0).payload()
