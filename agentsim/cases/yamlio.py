"""YAML reading that remembers where each value came from, so validation errors can name a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from agentsim.errors import CaseFileError

Loc = tuple[int | str, ...]
M = TypeVar("M", bound=BaseModel)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping key and sequence item by path."""


# libyaml's loader when PyYAML has it: the same documents, ~10x faster than the pure-Python one (a report or
# a batch plan reads every case file: seconds of parsing otherwise). A file it rejects is read again by the
# pure-Python loader, whose error messages are the ones users (and tests) know.
_FAST = getattr(yaml, "CSafeLoader", None)


def _walk(node: yaml.Node, path: Loc, lines: dict[Loc, int], duplicates: list[str]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if (*path, key) in lines:
                # YAML would silently keep the last one: say so instead
                dotted = ".".join(str(p) for p in (*path, key))
                duplicates.append(f"line {line}: {dotted}: duplicate key (first at line {lines[(*path, key)]})")
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, duplicates)


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(path, ["file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(path, [f"cannot read: {exc}"]) from None
    if _FAST is not None:
        try:
            return _parse(path, text, _FAST)
        except CaseFileError:
            pass  # said again below, in the pure-Python loader's words
    return _parse(path, text, _LineLoader)


def _parse(path: Path, text: str, safe_loader: type) -> tuple[Any, dict[Loc, int]]:
    try:
        loader = safe_loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseFileError(path, [f"{where}YAML syntax error: {problem}"]) from None
    if node is None:
        raise CaseFileError(path, ["file is empty"])
    lines: dict[Loc, int] = {}
    duplicates: list[str] = []
    _walk(node, (), lines, duplicates)
    if duplicates:
        raise CaseFileError(path, duplicates)
    try:
        data = yaml.load(text, Loader=safe_loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # e.g. an unknown tag such as !shout
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise CaseFileError(path, [f"{where}YAML error: {getattr(exc, 'problem', None) or exc}"]) from None
    return data, lines


def describe_errors(exc: ValidationError, lines: dict[Loc, int]) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        line = _nearest_line(loc, lines)
        field = ".".join(str(p) for p in loc) or "(top level)"
        where = f"line {line}: " if line else ""
        problems.append(f"{where}{field}: {err['msg']}")
    return problems


def _nearest_line(loc: Loc, lines: dict[Loc, int]) -> int | None:
    # unions add member type names to the path that are not in the document: fall back to the parent
    for end in range(len(loc), -1, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return None


def parse_model(model: type[M], path: Path) -> M:
    data, lines = read_yaml(path)
    if not isinstance(data, dict):
        raise CaseFileError(path, [f"expected a mapping at the top level, got {type(data).__name__}"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise CaseFileError(path, describe_errors(exc, lines)) from None


def safe_load(text: str) -> Any:
    """`yaml.safe_load` through libyaml when PyYAML has it: for files read whole, without line tracking (the
    doctor's knowledge base, scripted doctors, batch specs). Errors are yaml.YAMLError, as safe_load's."""
    return yaml.load(text, Loader=_FAST or yaml.SafeLoader)  # noqa: S506 - a safe loader
