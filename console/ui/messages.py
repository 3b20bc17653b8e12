"""Messages workers post back to the event loop (workers never touch widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from console.model import Job, Snapshot

if TYPE_CHECKING:
    from console.ui.prepare import Prepared


class SnapshotLoaded(Message):
    def __init__(self, snapshot: Snapshot, prepared: Prepared) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.prepared = prepared  # computed in the worker thread


class ImagesPrepared(Message):
    """The second phase of a refresh: the images table's rows for ``base`` (the phase-one result)."""

    def __init__(self, base: Prepared, prepared: Prepared) -> None:
        super().__init__()
        self.base = base
        self.prepared = prepared


class SnapshotFailed(Message):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__()
        self.reason = reason
        self.retry_after = retry_after


class JobsLoaded(Message):
    def __init__(self, run_id: int, jobs: list[Job]) -> None:
        super().__init__()
        self.run_id = run_id
        self.jobs = jobs


class LogLoaded(Message):
    def __init__(self, job_id: int, text: str, focus: bool = True) -> None:
        super().__init__()
        self.job_id = job_id
        self.text = text
        self.focus = focus  # asked for (l, Enter): the log takes the focus; loaded by itself: it does not


class ActionFinished(Message):
    """An operator action ended (done, failed or refused): the app signals it per the ``notify`` setting."""

    def __init__(self, name: str, outcome: str) -> None:
        super().__init__()
        self.name = name
        self.outcome = outcome
