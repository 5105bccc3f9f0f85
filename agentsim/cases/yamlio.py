"""The one reader of the YAML (and JSON) files users hand us: cases, personas, rubrics, catalogues, batch
specs, doctor scripts. It remembers where each value came from, so validation errors can name a line.

None of these files needs YAML anchors or aliases, and aliases are how a few hundred bytes expand to
gigabytes (or, recursive, to a crash): both are refused before anything is built. So are files over
MAX_FILE_BYTES, nesting deeper than MAX_DEPTH and integers longer than MAX_INT_DIGITS, each with one
line naming the file, so a hostile or broken file costs bounded time and memory.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from agentsim.errors import CaseFileError

Loc = tuple[int | str, ...]
M = TypeVar("M", bound=BaseModel)

MAX_FILE_BYTES = 2_000_000  # the largest shipped case is ~20 KB
MAX_DEPTH = 32  # nesting of mappings and lists; a case needs about 6
MAX_INT_DIGITS = 30  # Python refuses to parse ints of 4,300+ digits with a traceback; nothing here needs 30
_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$")


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


def read_text(path: Path) -> str:
    """A user's text file, refused (CaseFileError) when missing, too large, binary or not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaseFileError(path, [f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"])
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # a file growing under us is still bounded
    except FileNotFoundError:
        raise CaseFileError(path, ["file not found"]) from None
    except OSError as exc:
        raise CaseFileError(path, [f"cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise CaseFileError(path, [f"file is over the limit of {MAX_FILE_BYTES:,} bytes"])
    if b"\x00" in raw:
        raise CaseFileError(path, ["not a text file (it contains NUL bytes)"])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseFileError(path, [f"not UTF-8 text (byte {exc.start})"]) from None


def read_document(path: Path) -> Any:
    """A YAML file, or JSON when the name ends in .json, with the same limits."""
    if path.suffix.lower() != ".json":
        return read_yaml(path)[0]
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError(path, [f"line {exc.lineno}: cannot parse JSON: {exc.msg}"]) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number; nesting past Python's stack
        raise CaseFileError(path, [f"cannot parse JSON: {_short(exc)}"]) from None
    problem = _json_problem(data)
    if problem:
        raise CaseFileError(path, [problem])
    return data


def read_yaml(path: Path) -> tuple[Any, dict[Loc, int]]:
    text = read_text(path)
    _check_events(path, text)
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
    except RecursionError:  # the pure-Python parser recurses per level
        raise CaseFileError(path, [f"nested more than {MAX_DEPTH} levels deep"]) from None
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
    except (ValueError, OverflowError, RecursionError) as exc:  # a value the constructor cannot build
        raise CaseFileError(path, [f"YAML error: {_short(exc)}"]) from None
    return data, lines


def _check_events(path: Path, text: str) -> None:
    """One streaming pass over the parser's events, before any node is composed: linear in the file."""
    loader = _FAST or _LineLoader
    depth = 0
    try:
        for ev in yaml.parse(text, Loader=loader):
            line = ev.start_mark.line + 1
            if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None) is not None:
                raise CaseFileError(path, [f"line {line}: YAML anchors and aliases (&name, *name) are not "
                                           "accepted in this file: write the value out"])
            if isinstance(ev, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise CaseFileError(path, [f"line {line}: nested more than {MAX_DEPTH} levels deep"])
            elif isinstance(ev, yaml.CollectionEndEvent):
                depth -= 1
            elif (isinstance(ev, yaml.ScalarEvent) and not ev.style and len(ev.value) > MAX_INT_DIGITS
                  and _INT.match(ev.value)):  # plain style: None in PyYAML, "" in libyaml
                raise CaseFileError(path, [f"line {line}: a number of {len(ev.value)} digits; at most "
                                           f"{MAX_INT_DIGITS} are accepted"])
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml stops at 1,000 levels, before we count them
            raise CaseFileError(path, [f"nested more than {MAX_DEPTH} levels deep"]) from None
        return  # the syntax error is reported by _parse, with the pure-Python loader's words


def _json_problem(data: Any) -> str | None:
    """Depth and integer size of parsed JSON, iteratively (the document may be deep)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return f"nested more than {MAX_DEPTH} levels deep"
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**MAX_INT_DIGITS:
            return f"a number of more than {MAX_INT_DIGITS} digits"
    return None


def _short(exc: Exception) -> str:
    return str(exc).split("\n")[0][:200] or type(exc).__name__


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
