"""Where every failure inside the console goes (a mixin of GhaecrApp): a worker's error, a view that
raised, and the fatal rest. Expected failures (ConsoleError) are one sentence on screen; a bug gets a
crash report in the state directory (traceback, versions, no token) and one line naming it; only
an exception nothing could contain ends the app, with status 1 (see cli.tui_exit_code)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from textual.app import App
from textual.worker import Worker, WorkerState

from console import crash
from console.config import Settings
from console.errors import ConsoleError, RateLimited
from console.ui.messages import SnapshotFailed
from console.ui.views.base import View


@runtime_checkable
class ShowsWorkerFailure(Protocol):
    """A screen that shows its own workers' failures (the run detail screen)."""

    def on_worker_failed(self, reason: str) -> None: ...


class FailureRouting(App):
    """The app's error routing; GhaecrApp sets ``settings`` and ``now`` and calls ``_init_failures``."""

    settings: Settings
    now: Callable[[], datetime]

    def _init_failures(self) -> None:
        self._crash_reports: dict[tuple[str, str, str], Path | None] = {}
        self.fatal: tuple[BaseException, Path | None] | None = None  # what ended the app, and its report

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state != WorkerState.ERROR or error is None:
            return
        reason = str(error) if isinstance(error, ConsoleError) else \
            self.unexpected(error, f"worker {event.worker.name or event.worker.group}")
        if event.worker.name == "refresh":
            retry = None
            if isinstance(error, RateLimited) and error.reset_at is not None:
                retry = max((error.reset_at - self.now()).total_seconds(), 1.0)
            self.post_message(SnapshotFailed(reason, retry))
            return
        node = event.worker.node
        if isinstance(node, View):
            node.show_failure(reason)
        elif isinstance(node, ShowsWorkerFailure):
            node.on_worker_failed(reason)
        self.notify(reason, title="Could not load", severity="error", timeout=10, markup=False)

    def view_failed(self, view: View, error: Exception, where: str) -> None:
        """A view raised while drawing: an error panel in that view, a crash report, the app lives on."""
        path = self.report_crash(error, where)
        view.show_failure(self._redact(f"{crash.one_line(error)}; {crash.where_to_find(path)}. The rest of the "
                                       "console keeps working; press r to retry."))

    def unexpected(self, error: BaseException, where: str) -> str:
        """A bug, in one line for the screen (the crash report, written once, has the traceback)."""
        path = self.report_crash(error, where)
        return self._redact(f"Unexpected error ({crash.one_line(error)}); {crash.where_to_find(path)}.")

    def report_crash(self, error: BaseException, where: str) -> Path | None:
        """Write a crash report once per distinct failure (a view failing on every refresh writes one)."""
        key = (where, type(error).__name__, str(error))
        if key not in self._crash_reports:
            self.log.error(f"{where}: {error!r}")
            self._crash_reports[key] = crash.write_report(error, where, (self.settings.token or "",))
        return self._crash_reports[key]

    def _redact(self, text: str) -> str:
        return crash.redact(text, (self.settings.token or "",))

    def _handle_exception(self, error: Exception) -> None:
        """Textual's one funnel for an exception no handler caught; it always ends the app (the
        failing widget's message loop has stopped). Textual would print a traceback with local
        variables (which can hold the token): instead the report takes the traceback, and the CLI
        prints one line with its path and exits 1."""
        if self.fatal is None:
            self.fatal = (error, self.report_crash(error, "the console (fatal)"))
        self.exit(return_code=1)
        self._close_messages_no_wait()  # as Textual's own: the app's message loop may be the one that stopped
        self._exception_event.set()  # as Textual's own: wakes a Pilot waiting for the screen
