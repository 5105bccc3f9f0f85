"""Loading agents from references: files, modules and entry points, with option strings converted.

A reference is, besides a built-in name (agentsim.agents.registry):

* ``path/to/file.py:ClassName``: the file is loaded as a module (its folder is on sys.path while it
  loads, so it can import its neighbours);
* ``package.module:attr`` (attr may be dotted): importable from sys.path;
* the name of an entry point in the ``agentsim.doctors`` group, from an installed package (doctors only).

The target may be a class, a factory function or (doctors only) an already-built instance. Options
(`--doctor-opt key=value`) become keyword arguments of the class or factory: strings are converted to the
parameter's annotated type (int, float, bool, lists as JSON...) and, where there is no annotation,
``true``/``false`` and numbers become bool/int/float; the rest stay strings. Every mistake a user can make
here raises UserError, one line, before any episode starts. This module knows no registry: the registry
imports it, never the other way round.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from agentsim.agents.base import Doctor
from agentsim.errors import UserError
from agentsim.model.action import Observation

ENTRY_POINT_GROUP = "agentsim.doctors"
FORMS = "path/to/file.py:Class, package.module:attr, an installed plug-in name or an http(s):// URL"

_NUMBER = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


def as_flag(value: bool | str | int | None) -> bool:
    """Switch options from `--doctor-opt tools=false` arrive as strings."""
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


def coerce_options(target: Callable[..., Any], options: Mapping[str, Any], label: str) -> dict[str, Any]:
    """Option strings from the command line, converted to what `target` declares it takes."""
    hints = _annotations(target)
    out: dict[str, Any] = {}
    for key, value in options.items():
        hint = hints.get(key, inspect.Parameter.empty)
        if not isinstance(value, str):
            out[key] = value  # from Python: already typed
        elif hint is inspect.Parameter.empty or hint is Any or isinstance(hint, str):
            out[key] = coerce_literal(value)
        else:
            out[key] = _to_type(key, value, hint, label)
    return out


def coerce_literal(value: str) -> Any:
    """Untyped options: true/false -> bool, 12 -> int, 0.5 or 1e-3 -> float, anything else unchanged."""
    text = value.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return float(text)
    return value


# ------------------------------------------------------------------------------------------ loading


def looks_like_path(head: str) -> bool:
    return head.endswith(".py") or "/" in head or "\\" in head


def load_file(path_text: str, attr: str) -> Any:
    path = Path(path_text).expanduser()
    if not path.is_file():
        raise UserError(f"doctor plug-in file not found: {path_text}")
    path = path.resolve()
    # one module per file, cached: several episodes in a process share the loaded classes
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    module_name = "agentsim_plugin_" + re.sub(r"\W", "_", path.stem) + "_" + digest
    module = sys.modules.get(module_name)
    if module is None:
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:
            raise UserError(f"cannot load {path_text} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # dataclasses and pydantic look their module up here
        sys.path.insert(0, str(path.parent))
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(module_name, None)  # a half-run module must not be cached
            raise UserError(f"loading doctor plug-in {path_text} failed: {_describe(exc)}") from None
        finally:
            if str(path.parent) in sys.path:
                sys.path.remove(str(path.parent))
    return _get_attr(module, attr, path_text)


def load_attr(module_name: str, attr: str) -> Any:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name == exc.name or module_name.startswith(exc.name + ".")):
            raise UserError(f"no module named {module_name!r} (is it installed, or on PYTHONPATH?)") from None
        raise UserError(f"importing doctor plug-in {module_name} failed: {_describe(exc)}") from None
    except Exception as exc:
        raise UserError(f"importing doctor plug-in {module_name} failed: {_describe(exc)}") from None
    return _get_attr(module, attr, module_name)


def _get_attr(module: Any, attr: str, where: str) -> Any:
    value = module
    for part in attr.split("."):
        if not hasattr(value, part):
            public = sorted(n for n, v in vars(module).items() if inspect.isclass(v) and not n.startswith("_")
                            and getattr(v, "__module__", None) == module.__name__)
            hint = f"; classes defined there: {', '.join(public)}" if public else ""
            raise UserError(f"{where} has no attribute {attr!r}{hint}")
        value = getattr(value, part)
    return value


def entry_points() -> dict[str, Any]:
    # called as importlib.metadata.entry_points so tests can patch it; the first of a duplicated name wins
    found: dict[str, Any] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def load_entry_point(entry: Any) -> Any:
    try:
        return entry.load()
    except Exception as exc:
        raise UserError(f"doctor plug-in {entry.name!r} ({entry.value}) failed to load: {_describe(exc)}") from None


# ------------------------------------------------------------------------------------------ building


def instantiate_doctor(target: Any, options: dict[str, Any], label: str) -> Doctor:
    if inspect.isclass(target):
        if not callable(getattr(target, "act", None)):
            raise UserError(f"{label} is not a Doctor: class {target.__name__} has no act(obs) method")
        return build_doctor(target, options, label)
    if callable(getattr(target, "act", None)):  # an instance, built by the plug-in itself
        if options:
            raise UserError(f"{label} is an already-built doctor; it takes no options (got {', '.join(options)})")
        return _as_doctor(target, label)
    if callable(target):  # a factory
        return build_doctor(target, options, label)
    raise UserError(f"{label} is not a Doctor: a {type(target).__name__} has no act(obs) method")


def build_doctor(factory: Callable[..., Any], options: dict[str, Any], label: str,
                 args: tuple[Any, ...] = ()) -> Doctor:
    options = coerce_options(factory, options, label)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # builtins and some C callables have none: just call
        signature = None
    if signature is not None:
        try:
            signature.bind(*args, **options)
        except TypeError as exc:
            raise UserError(f"doctor {label!r} rejected its options {sorted(options)}: {exc}"
                            f"{_accepted(signature, len(args))}") from None
    try:
        doctor = factory(*args, **options)
    except UserError:
        raise
    except TypeError as exc:  # e.g. a **kwargs factory passing them on to a stricter class
        raise UserError(f"doctor {label!r} rejected its options {sorted(options)}: {exc}") from None
    except Exception as exc:
        raise UserError(f"creating doctor {label!r} failed: {_describe(exc)}") from None
    return _as_doctor(doctor, label)


def _as_doctor(doctor: Any, label: str) -> Doctor:
    act = getattr(doctor, "act", None)
    if not callable(act):
        raise UserError(f"{label} is not a Doctor: it gave a {type(doctor).__name__}, which has no act(obs) method")
    if isinstance(doctor, Doctor):
        if type(doctor).act is Doctor.act:
            raise UserError(f"{label} is not a Doctor yet: {type(doctor).__name__} does not implement act(obs)")
        return doctor
    return DuckDoctor(doctor)


class DuckDoctor(Doctor):
    """A plug-in object with an `act` (and maybe `reset` and `name`) that does not subclass Doctor: its
    duck-typed surface is read once, here at the loading boundary, so the engine sees only the contract."""

    def __init__(self, inner: Any):
        self._act: Callable[[Observation], Any] = inner.act
        reset = getattr(inner, "reset", None)
        self._reset: Callable[[str], Any] | None = reset if callable(reset) else None
        name = getattr(inner, "name", None)
        self.name = name if isinstance(name, str) and name else type(inner).__name__

    async def reset(self, brief: str) -> None:
        if self._reset is not None:
            result = self._reset(brief)
            if inspect.isawaitable(result):
                await result

    def act(self, obs: Observation) -> Any:
        return self._act(obs)


def _accepted(signature: inspect.Signature, skip: int) -> str:
    names = [p.name for p in list(signature.parameters.values())[skip:]
             if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return f"; it takes: {', '.join(names)}" if names else "; it takes no options"


def _annotations(target: Callable[..., Any]) -> dict[str, Any]:
    for eval_str in (True, False):  # string annotations that do not resolve are treated as absent
        try:
            params = inspect.signature(target, eval_str=eval_str).parameters
        except (TypeError, ValueError):
            return {}
        except Exception:  # noqa: S112 - NameError and friends from eval_str
            continue
        return {name: p.annotation for name, p in params.items()}
    return {}


def _to_type(key: str, value: str, hint: Any, label: str) -> Any:
    try:
        adapter = TypeAdapter(hint)
    except Exception:  # a type pydantic cannot describe: hand the string over as it is
        return value
    try:
        return adapter.validate_python(value)  # lax mode: "3" -> 3, "yes" -> True
    except ValidationError as first:
        try:
            return adapter.validate_python(json.loads(value))  # lists and dicts given as JSON
        except (ValueError, ValidationError):
            msg = first.errors()[0]["msg"]
            raise UserError(f"doctor {label!r}: --doctor-opt {key}={value!r}: {msg}") from None


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
