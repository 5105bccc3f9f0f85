"""User-causable errors: one clear message, exit code 2 at the CLI, never a traceback."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Something the user can fix: a bad file, a wrong flag, a broken plug-in."""

    exit_code = 2


class CaseFileError(UserError):
    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{self.path}: invalid\n{lines}")


class NotFoundError(UserError):
    pass


class FatalError(UserError):
    """A mistake that would fail every episode alike (a wrong API key, an unknown model): it stops the whole
    run at once instead of ending one episode as doctor_error."""
