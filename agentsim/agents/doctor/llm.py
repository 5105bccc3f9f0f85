"""LLMDoctor: a doctor played by an LLM through litellm.

The conversation is kept append-only across turns (a stable system prefix, then the brief, then one
message per action and per reply), so providers with prompt caching re-read only the newest turn. Actions
come as tool calls; a model that answers in text is read for tags instead, and `tools=False` asks for
tags from the start. An unusable output gets one repair prompt; a second one raises, with the raw output
in the message, which the engine logs as a doctor_error.

Options (`--doctor-opt key=value`): model, api_base, api_key, timeout, max_retries, retry_base_delay,
retry_max_delay, max_concurrency, temperature, seed, max_tokens, config (see agentsim.llm.settings);
tools (default true); confirm (default false: SDBench-style "are you sure?" once before a diagnosis);
vision (auto, true or false; default auto: litellm's supports_vision for the model): images that come with a
result are sent as image content parts to a vision model, and a text-only model reads their captions, which
the result text always carries.
"""

from __future__ import annotations

import json
from typing import Any

from agentsim.agents.base import Doctor, DoctorFailed, EpisodeAborted
from agentsim.agents.doctor.llm_actions import FORCE_DIAGNOSIS, parse, tool_schemas
from agentsim.agents.loading import as_flag
from agentsim.errors import FatalError, UserError
from agentsim.llm.gateway import Completion, LLMSettings, complete
from agentsim.llm.prompts import prompt_set_hash, render
from agentsim.llm.vision import image_message, supports_vision
from agentsim.model.action import Action, Diagnose, DoctorTurn, Observation
from agentsim.model.usage import Usage

SETTING_KEYS = frozenset(LLMSettings.model_fields) | {"config"}
NOT_PERFORMED = "Not performed: one action per turn."


class DoctorOutputError(RuntimeError):
    """The model's output was not an action, even after a repair prompt."""


class LLMDoctor(Doctor):
    name = "llm"

    def __init__(self, *, tools: bool | str = True, confirm: bool | str = False, vision: bool | str = "auto",
                 **options: Any):
        unknown = sorted(set(options) - SETTING_KEYS)
        if unknown:
            raise UserError(f"unknown doctor option(s) {', '.join(unknown)}; known: tools, confirm, vision, "
                            f"{', '.join(sorted(SETTING_KEYS))}")
        self.settings = LLMSettings.resolve("doctor", options)
        self.model = self.settings.model
        self.use_tools = as_flag(tools)
        self.confirm = as_flag(confirm)
        self._vision_option = vision
        self._vision: bool | None = None  # decided on the first image, so litellm loads only when needed
        self.prompt_hash = prompt_set_hash()
        self.messages: list[dict[str, Any]] = []
        self._pending: list[str] = []  # tool-call ids awaiting a tool message
        self._confirmed = False
        self._brief: str | None = None

    async def reset(self, brief: str) -> None:
        self.messages, self._pending, self._confirmed, self._brief = [], [], False, brief

    # -- one turn ------------------------------------------------------------------------------------------
    async def act(self, obs: Observation) -> DoctorTurn:
        usage = Usage()  # the model as the provider names it, from the first call
        try:
            return DoctorTurn(action=await self._turn(obs, usage), usage=usage)
        except (FatalError, EpisodeAborted):
            raise
        except Exception as exc:  # a failing turn still reports what it spent
            raise DoctorFailed(exc, usage=usage) from exc

    async def _turn(self, obs: Observation, usage: Usage) -> Action:
        self._observe(obs)
        tool_choice = None
        if obs.final_turn:
            self._say(render("doctor", "final", how=self._how(final=True)))
            tool_choice = FORCE_DIAGNOSIS if self.use_tools else None
        action = await self._decide(obs, tool_choice, usage)
        if isinstance(action, Diagnose) and self.confirm and not self._confirmed:
            self._confirmed = True  # once per consultation: a second diagnosis is accepted as it comes
            self._say(render("doctor", "confirm"))
            action = await self._decide(obs, tool_choice, usage)
        return action

    async def _decide(self, obs: Observation, tool_choice: Any, usage: Usage) -> Action:
        problem = None
        for attempt in (1, 2):
            completion = await self._complete(tool_choice, usage)
            action, problem = parse(completion, obs.max_tests_per_order)
            self._remember(completion)
            if action is not None:
                return action
            if attempt == 1:
                self._say(render("doctor", "repair", problem=problem, how=self._how(obs.final_turn)))
        raise DoctorOutputError(f"the model's output is not a valid action after one repair prompt ({problem}); "
                                f"raw output: {completion.raw()!r}")

    async def _complete(self, tool_choice: Any, usage: Usage) -> Completion:
        tools = tool_schemas(self._max_tests) if self.use_tools else None
        completion = await complete(self.messages, settings=self.settings, tools=tools, tool_choice=tool_choice)
        usage.add(completion.usage())
        return completion

    # -- the conversation ----------------------------------------------------------------------------------
    def _observe(self, obs: Observation) -> None:
        """Append what happened since the last action: the whole opening on the first turn."""
        self._max_tests = obs.max_tests_per_order
        status = render("doctor", "status", turn=obs.turn + 1, max_turns=obs.max_turns, spent=f"{obs.spent:.0f}",
                        budget=f" of ${obs.budget:.0f}" if obs.budget is not None else "")
        if not self.messages:
            system = render("doctor", "system", max_turns=obs.max_turns, max_tests_per_order=obs.max_tests_per_order)
            if not self.use_tools:
                system += "\n\n" + render("doctor", "tagged")
            self.messages.append({"role": "system", "content": system})
            brief = self._brief or obs.brief
            self.messages.append({"role": "user", "content": render(
                "doctor", "start", brief=brief, opening=obs.reply or "", status=status)})
            return
        speaker = (obs.transcript[-1].role if obs.transcript else "patient").replace("gatekeeper", "examiner")
        self._say(render("doctor", "turn", speaker=speaker.capitalize(), reply=obs.reply or "(no reply)",
                         status=status))
        if obs.images and self.sees_images():
            message = image_message(obs.images)  # the captions are in the reply text either way
            if message is not None:
                self.messages.append(message)

    def sees_images(self) -> bool:
        if self._vision is None:
            auto = str(self._vision_option).strip().lower() == "auto"
            self._vision = supports_vision(self.model or "") if auto else as_flag(self._vision_option)
        return self._vision

    def _say(self, text: str) -> None:
        """Tell the model `text`: as the result of its pending tool call(s) when there are any (every call
        must be answered before the next turn), else as a user message."""
        if not self._pending:
            self.messages.append({"role": "user", "content": text})
            return
        for i, call_id in enumerate(self._pending):
            self.messages.append({"role": "tool", "tool_call_id": call_id,
                                  "content": text if i == 0 else NOT_PERFORMED})
        self._pending = []

    def _remember(self, completion: Completion) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": completion.text or None}
        calls = []
        for i, call in enumerate(completion.tool_calls):
            call_id = call.id or f"call_{len(self.messages)}_{i}"  # some local servers send no ids
            # invalid JSON goes back wrapped in valid JSON: some providers reject a history they cannot parse
            arguments = (call.raw_arguments or "{}") if call.valid else json.dumps({"unparsed": call.raw_arguments})
            calls.append({"id": call_id, "type": "function", "function": {"name": call.name, "arguments": arguments}})
        if calls:
            message["tool_calls"] = calls
        elif not completion.text:
            message["content"] = "(no output)"
        self.messages.append(message)
        self._pending = [str(c["id"]) for c in calls]

    def _how(self, final: bool) -> str:
        if self.use_tools:
            return "call give_diagnosis" if final else "call exactly one tool"
        return "use the <diagnosis> tags" if final else "use exactly one kind of tag"

    _max_tests = 3

