"""Hostile files a user (or an attacker) hands us: each is refused with a short message in bounded time
and memory, never a hang or a traceback. The same inputs as the random fuzzing, written out by hand."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agentsim.batch.spec import load_spec
from agentsim.cases.library import load_case_file, load_persona, load_rubric
from agentsim.cases.yamlio import MAX_DEPTH, MAX_FILE_BYTES
from agentsim.errors import CaseFileError

# the classic expansion: nine references per level, nine levels (~387 million strings when built)
ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
HOSTILE_YAML = {
    "alias bomb": (ALIAS_BOMB, "anchors and aliases"),
    "recursive alias": ("x: &a [*a]\n", "anchors and aliases"),
    "anchor only": ("id: &i renal-colic\n", "anchors and aliases"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, f"more than {MAX_DEPTH} levels"),
    "deep mappings": ("a:\n" + "".join(" " * i + "a:\n" for i in range(1, 60)), f"more than {MAX_DEPTH} levels"),
    "huge integer": ("id: x\ndifficulty: " + "9" * 5000 + "\n", "5000 digits"),
    "huge hex integer": ("seed: 0x" + "f" * 5000 + "\n", "digits"),
    "binary": ("\x00\x01\x02\xff" * 50, "not a text file"),
}
LOADERS = {"case": (load_case_file, "case.yaml"), "persona": (load_persona, "p.yaml"),
           "rubric": (load_rubric, "r.yaml"), "batch spec": (load_spec, "spec.yaml")}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("loader_name", list(LOADERS))
@pytest.mark.parametrize("name", list(HOSTILE_YAML))
def test_hostile_yaml_is_refused_quickly(tmp_path, loader_name, name):
    loader, filename = LOADERS[loader_name]
    text, message = HOSTILE_YAML[name]
    path = tmp_path / filename
    path.write_bytes(text.encode("utf-8", "surrogatepass") if name != "binary" else bytes([0, 1, 2, 255]) * 50)
    started = time.monotonic()
    with pytest.raises(CaseFileError) as exc:
        loader(path)
    assert message in str(exc.value)
    assert time.monotonic() - started < 5


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_case_file(path)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("notes: |\n" + ("  padding line of a very long case file\n" * (MAX_FILE_BYTES // 30)))
    started = time.monotonic()
    with pytest.raises(CaseFileError, match="the limit is 2,000,000"):
        load_case_file(path)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(("name", "text", "message"), [
    ("deep", "[" * 100_000 + "]" * 100_000, "cannot parse JSON"),
    ("moderately deep", "[" * 200 + "]" * 200, f"more than {MAX_DEPTH} levels"),
    ("huge integer", '{"seed": ' + "9" * 5000 + "}", "cannot parse JSON"),
    ("long integer", '{"seed": ' + "9" * 40 + "}", "digits"),
    ("syntax", '{"seed": }', "line 1: cannot parse JSON"),
])
def test_hostile_json_specs_are_refused(tmp_path, name, text, message):
    path = tmp_path / "spec.json"
    path.write_text(text)
    with pytest.raises(CaseFileError, match=message):
        load_spec(path)


@pytest.mark.parametrize(("args", "text"), [
    (["run", "{path}", "--db", "{db}"], ALIAS_BOMB),
    (["run", "{path}", "--db", "{db}"], "x: &a [*a]\n"),
    (["run", "{path}", "--db", "{db}"], "[" * 100_000 + "]" * 100_000),
    (["validate", "{path}"], "id: x\ndifficulty: " + "9" * 5000 + "\n"),
    (["batch", "{path}", "--db", "{db}"], "\x00\x01binary"),
    (["batch", "{path}", "--db", "{db}"], "seed: " + "9" * 5000 + "\n"),
])
def test_cli_refuses_hostile_files_with_exit_2_and_no_traceback(tmp_path, args, text):
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    argv = [a.format(path=path, db=tmp_path / "x.db") for a in args]
    done = subprocess.run([sys.executable, "-m", "agentsim.cli.app", *argv], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) <= 3, done.stderr


def test_a_json_spec_with_the_same_limits_as_yaml(tmp_path):
    path = tmp_path / "ok.json"
    path.write_text(json.dumps({"cases": ["renal-colic"], "seed": 3}))
    assert load_spec(path).seed == 3
    assert Path(path).stat().st_size < MAX_FILE_BYTES
