"""Time to notice: between the app's polls, a cheap watch for runs that start (or stop) waiting for a review.

An idle console polls every ``refresh_seconds`` (30 s by default), so a release that reaches its
production gate could wait that long to appear. Every WATCH_SECONDS the watch asks GitHub for the
repository's waiting runs instead: one conditional GET (``/actions/runs?status=waiting``) that GitHub
answers with a 304 while nothing starts or stops waiting, and a 304 does not count against the rate
limit. When the waiting runs of the watched workflows change, the app refreshes now rather than at its
next poll. The watch never overlaps a poll, rests while a dialog is open, and keeps quiet on errors
(the next poll shows them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.errors import ConsoleError

if TYPE_CHECKING:
    from console.model import Snapshot
    from console.ui.app import GhaecrApp

WATCH_SECONDS = 2.0  # a new pending approval is on screen in ~WATCH_SECONDS + one refresh


def watch_delay() -> float:
    """Seconds until the next look (a function, so the bench's accelerated clock can scale it)."""
    return WATCH_SECONDS


def shown_waiting(snapshot: Snapshot) -> frozenset[int]:
    """The waiting runs the console already shows."""
    return frozenset(run.id for run in snapshot.runs if run.is_waiting)


def changed(waiting: frozenset[int], seen: frozenset[int] | None, shown: frozenset[int]) -> bool:
    """Whether the waiting runs moved: against the watch's last look, or (first look) against the screen."""
    return waiting != seen if seen is not None else bool(waiting - shown)


class ApprovalWatch:
    def __init__(self, app: GhaecrApp) -> None:
        self.app = app
        self.looks = 0  # how many times GitHub was asked (the idle-cost guard counts them)
        self.triggered = 0  # refreshes it started
        self._seen: frozenset[int] | None = None

    def forget(self) -> None:
        """Another repository is on screen (the Repositories view): its first look starts afresh."""
        self._seen = None

    def start(self) -> None:
        self.app.set_timer(watch_delay(), self._due)

    def _due(self) -> None:
        app = self.app
        if app.snapshot is None or app.modal_open or app.polling or app.data.refreshing:
            self.start()  # the poll in flight (or the dialog) has the screen; look again later
            return
        app.run_worker(self._look(), name="approval-watch", group="approval-watch", exclusive=True,
                       exit_on_error=False)

    async def _look(self) -> None:
        app = self.app
        try:
            runs = await app.backend.github.waiting_runs()
        except ConsoleError:
            runs = None  # the regular poll reports GitHub's problems; the watch only speeds up news
        self.start()
        if runs is None:
            return
        self.looks += 1
        watched = set(app.settings.workflows.all())
        waiting = frozenset(run.id for run in runs if run.workflow in watched)
        seen, self._seen = self._seen, waiting
        if app.snapshot is not None and changed(waiting, seen, shown_waiting(app.snapshot)):
            self.triggered += 1
            app.refresh_now(full=False)
