"""Where shipped data lives and how it is found: scenarios, personas, rubrics and the test catalogue."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from agentsim.cases.yamlio import parse_model
from agentsim.errors import CaseFileError, NotFoundError
from agentsim.model.case import SLUG, Case
from agentsim.model.catalogue import Catalogue
from agentsim.model.persona import Persona
from agentsim.model.rubric import RubricConfig

DEFAULT_RUBRIC = "default"
CATALOGUE_FILE = "tests.yaml"


def data_root() -> Path:
    """AGENTSIM_HOME if set; else the checkout this package runs from; else the working directory."""
    env = os.environ.get("AGENTSIM_HOME")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "scenarios").is_dir():
        return checkout
    return Path.cwd()


def scenarios_dir() -> Path:
    return data_root() / "scenarios"


def personas_dir() -> Path:
    return data_root() / "personas"


def rubrics_dir() -> Path:
    return data_root() / "rubrics"


MAX_ID_LENGTH = 100  # an id names a file: a longer one is no id (and the OS refuses names past ~255 bytes)


def _is_slug(name: str) -> bool:
    return len(name) <= MAX_ID_LENGTH and re.fullmatch(SLUG, name) is not None


def scenario_paths(directory: Path | None = None) -> list[Path]:
    return sorted((directory or scenarios_dir()).glob("*.yaml"))


def load_case_file(path: Path) -> Case:
    case = parse_model(Case, path).with_base_dir(path.resolve().parent)
    if case.id != path.stem:
        raise CaseFileError(path, [f"id: {case.id!r} must equal the file name {path.stem!r}"])
    return case


def load_case(path_or_id: str | Path) -> Case:
    """Load a case by file path or by id from the scenario library."""
    path = Path(path_or_id)
    if path.suffix in {".yaml", ".yml"}:  # only case files are read as paths: never an arbitrary file
        return load_case_file(path)
    name = str(path_or_id)
    if not _is_slug(name):
        raise NotFoundError(f"no case {name!r}: give a case id (lowercase-with-dashes) or a .yaml path")
    candidate = scenarios_dir() / f"{name}.yaml"
    if not candidate.exists():
        raise NotFoundError(f"no case {name!r} in {scenarios_dir()} (see `agentsim cases list`)")
    return _cached_case(candidate, candidate.stat().st_mtime_ns)


@cache
def _cached_case(path: Path, _mtime: int) -> Case:
    return load_case_file(path)


def load_all_cases(directory: Path | None = None) -> list[Case]:
    # cached per file and mtime: parsing the library takes seconds (pure-Python YAML), and the batch
    # planner and the API call this per request; an edited file is re-read, a broken one raises each time
    return [_cached_case(p, p.stat().st_mtime_ns) for p in scenario_paths(directory)]


def persona_paths() -> list[Path]:
    return sorted(personas_dir().glob("*.yaml"))


def load_persona(path_or_id: str | Path) -> Persona:
    path = Path(path_or_id)
    if path.suffix not in {".yaml", ".yml"}:
        name = str(path_or_id)
        if not _is_slug(name):
            raise NotFoundError(f"no persona {name!r}: give a persona id or a .yaml path")
        path = personas_dir() / f"{name}.yaml"
        if not path.exists():
            known = ", ".join(p.stem for p in persona_paths())
            raise NotFoundError(f"no persona {name!r}; known personas: {known}")
    persona = parse_model(Persona, path)
    if persona.id != path.stem:
        raise CaseFileError(path, [f"id: {persona.id!r} must equal the file name {path.stem!r}"])
    return persona


def load_rubric(path_or_id: str | Path = DEFAULT_RUBRIC) -> RubricConfig:
    path = Path(path_or_id)
    if path.suffix not in {".yaml", ".yml"}:
        if not _is_slug(str(path_or_id)):
            raise NotFoundError(f"no rubric {path_or_id!r}")
        path = rubrics_dir() / f"{path_or_id}.yaml"
        if not path.exists():
            raise NotFoundError(f"no rubric {path_or_id!r} in {rubrics_dir()}")
    return _cached_rubric(path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _cached_rubric(path: Path, _mtime: int) -> RubricConfig:
    # parsed once per file version: every episode of a batch asks for it
    rubric = parse_model(RubricConfig, path)
    if rubric.id != path.stem:
        raise CaseFileError(path, [f"id: {rubric.id!r} must equal the file name {path.stem!r}"])
    return rubric


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or rubrics_dir() / CATALOGUE_FILE
    return _cached_catalogue(path, path.stat().st_mtime_ns if path.exists() else 0)


@cache
def _cached_catalogue(path: Path, _mtime: int) -> Catalogue:
    return parse_model(Catalogue, path)
