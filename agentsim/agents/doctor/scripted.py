"""Replays doctor actions from a YAML file: for tests, teaching demos and regression cases."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from agentsim.agents.base import Doctor
from agentsim.errors import UserError
from agentsim.model.action import ACTION_ADAPTER, Action, Diagnose, Observation


class ScriptedDoctor(Doctor):
    """`actions` is a list of actions (objects tagged by `action`). When the script runs out, or on the
    final turn, it gives its `fallback_diagnosis`."""

    name = "scripted"

    def __init__(self, actions: list[Action], *, fallback_diagnosis: str = "undetermined"):
        self.actions = actions
        self.fallback = fallback_diagnosis
        self._next = 0

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedDoctor:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"script {path} not found") from None
        except yaml.YAMLError as exc:
            raise UserError(f"script {path}: YAML syntax error: {exc}") from None
        items = data.get("actions") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise UserError(f"script {path}: expected a list of actions (or a mapping with `actions:`)")
        actions: list[Action] = []
        for i, item in enumerate(items):
            try:
                actions.append(ACTION_ADAPTER.validate_python(item))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise UserError(f"script {path}: action {i + 1}: {where}: {first['msg']}") from None
        fallback = data.get("fallback_diagnosis", "undetermined") if isinstance(data, dict) else "undetermined"
        return cls(actions, fallback_diagnosis=fallback)

    async def reset(self, brief: str) -> None:
        self._next = 0

    def act(self, obs: Observation) -> Action:
        if self._next < len(self.actions):
            action = self.actions[self._next]
            self._next += 1
            if not (obs.final_turn and not isinstance(action, Diagnose)):
                return action
        return Diagnose(diagnosis=self.fallback, rationale="script exhausted or final turn")
