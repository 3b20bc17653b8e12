"""Progress reporting shared by the CLI and the TUI: actions call ``report(Progress(...))``.

The callback runs on the caller's event loop (actions are plain coroutines), so a TUI screen can
update widgets directly and the CLI can print with rich.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from console.model import Job, WorkflowRun


@dataclass(frozen=True)
class Progress:
    stage: str  # plan | dispatch | follow | verify | audit | done
    message: str
    run: WorkflowRun | None = None
    jobs: tuple[Job, ...] = ()


ProgressFn = Callable[[Progress], None]


def silent(_: Progress) -> None:
    """A callback that ignores progress (tests, scripts)."""
