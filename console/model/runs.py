"""Workflow runs, jobs and steps as the console sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ACTIVE_STATUSES = frozenset({"queued", "in_progress", "waiting", "requested", "pending"})


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    status: str
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def duration(self) -> timedelta | None:
        return _duration(self.started_at, self.completed_at)


@dataclass(frozen=True)
class Job:
    id: int
    run_id: int
    name: str
    status: str
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    html_url: str = ""
    steps: tuple[Step, ...] = ()

    @property
    def duration(self) -> timedelta | None:
        return _duration(self.started_at, self.completed_at)

    @property
    def failed_step(self) -> Step | None:
        return next((s for s in self.steps if s.conclusion == "failure"), None)


@dataclass(frozen=True)
class WorkflowRun:
    id: int
    workflow: str  # workflow file name, e.g. "cd.yml"
    name: str  # workflow display name, e.g. "CD"
    run_number: int
    event: str  # push, workflow_run, workflow_dispatch, schedule, ...
    status: str  # queued, in_progress, waiting, completed, ...
    conclusion: str | None
    head_branch: str | None  # branch or tag name
    head_sha: str
    actor: str
    created_at: datetime
    updated_at: datetime
    run_started_at: datetime | None = None
    html_url: str = ""
    display_title: str = ""
    run_attempt: int = 1  # 2, 3...: re-run (all or failed jobs) under the same run id

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_waiting(self) -> bool:
        return self.status == "waiting"

    @property
    def outcome(self) -> str:
        """One word for a status column: the conclusion when done, else the status."""
        return self.conclusion or self.status if self.status == "completed" else self.status

    @property
    def duration(self) -> timedelta | None:
        return _duration(self.run_started_at or self.created_at, self.updated_at)


def _duration(start: datetime | None, end: datetime | None) -> timedelta | None:
    if start is None or end is None:
        return None
    return max(end - start, timedelta(0))
