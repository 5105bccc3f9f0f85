"""A batch run's status: what `runs.status` holds and the API reports."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"  # every executor finished, some keys did not complete: resume runs them
    INTERRUPTED = "interrupted"  # stopped (Ctrl-C, cancel, shutdown) or found without a live lease: resumable
    FAILED = "failed"  # the runner itself crashed
