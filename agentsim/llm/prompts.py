"""Prompt files: one Markdown file per role, cut into `## section`s, kept by the package that uses it: the
consultation's roles in agentsim/agents/prompts/, the judge's in agentsim/judge/prompts/.

Text before the first `## ` heading is a note for maintainers and is never sent. `{name}` placeholders
are filled by `render`; unknown braces are left alone, so JSON examples in a prompt survive. The hash
of the whole set is stored with every episode that used an LLM role, so a score can be traced to the
exact prompts that produced it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent
PROMPT_DIR = PACKAGE / "agents" / "prompts"
OWN_DIRS = {"judge": PACKAGE / "judge" / "prompts"}  # roles whose prompts live with their own package
# the consultation's prompt set: every agent of an episode reports this one hash. The judge's prompt is
# hashed on its own (prompt_set_hash(("judge",))): re-judging must not change an episode's hash.
ROLES = ("doctor", "patient", "gatekeeper", "panel")
_SECTION = re.compile(r"^## +([a-z_]+) *$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@cache
def sections(role: str) -> dict[str, str]:
    """{section name: template} for one role's prompt file."""
    text = prompt_path(role).read_text(encoding="utf-8")
    parts = _SECTION.split(text)
    # split() gives [preamble, name1, body1, name2, body2, ...]
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def render(role: str, section: str, **values: Any) -> str:
    template = sections(role)[section]
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


@cache
def prompt_set_hash(roles: tuple[str, ...] = ROLES) -> str:
    """sha256 over the given roles' prompt files (name and bytes), in a fixed order."""
    digest = hashlib.sha256()
    for role in roles:
        digest.update(role.encode() + b"\0" + prompt_path(role).read_bytes() + b"\0")
    return digest.hexdigest()


def prompt_path(role: str) -> Path:
    return OWN_DIRS.get(role, PROMPT_DIR) / f"{role}.md"
