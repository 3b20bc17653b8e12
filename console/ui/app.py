"""GhaecrApp: the operator console. Views draw Snapshots; workers fetch them; one loop polls.

The refresh loop (after dolphie): a one-shot timer is re-armed after each refresh ends, so polls never
overlap; while a modal (dialog, help, palette) is open it waits (an action follows its own run), and an
action's end polls at once, so the lists behind the dialog are fresh; it polls faster while a run is active
or an approval waits; a failed poll keeps the last data, marks it stale with the error's sentence and
retries with back-off. Between polls, approval_watch looks (free 304s) for runs that start waiting
for a review and polls at once when one does. Every worker's failure goes through
`on_worker_state_changed` (one place: failures.py). What the keys do is in key_actions.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.worker import Worker

from console.actions.audit import AuditLog
from console.actions.direct_rollbacks import with_direct_rollbacks
from console.config import Settings
from console.model import Snapshot
from console.model.text import plain
from console.services.ports import BackendPort
from console.ui import stopping
from console.ui.alerts import Alerts
from console.ui.approval_watch import ApprovalWatch
from console.ui.commands import ConsoleCommands
from console.ui.failures import FailureRouting
from console.ui.format import run_label
from console.ui.key_actions import KeyActions
from console.ui.keys import BY_ID, bindings_for, key_display
from console.ui.messages import ActionFinished, ImagesPrepared, SnapshotFailed, SnapshotLoaded
from console.ui.prepare import Prepared, Preparer
from console.ui.refresh import approval_keys, may_skip_ecr, next_delay
from console.ui.screens.main import MainScreen
from console.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from console.ui.views.base import View
from console.ui.widgets.status_bar import DataState, StatusBar

Clock = Callable[[], datetime]
HINT_SECONDS = 8.0  # how long a "why not" stays on the status line


def _clock(now: Clock | datetime | None) -> Clock:
    if now is None:
        return lambda: datetime.now(UTC)
    if isinstance(now, datetime):
        return lambda: now  # a fixed clock: screenshots and snapshot tests
    return now


class GhaecrApp(KeyActions, FailureRouting):
    CSS_PATH = "app.tcss"
    TITLE = "ghaecr-console"
    BINDINGS = bindings_for("app")
    COMMANDS = App.COMMANDS | {ConsoleCommands}

    def __init__(self, backend: BackendPort, settings: Settings, *, now: Clock | datetime | None = None,
                 polls: bool = True) -> None:
        super().__init__()
        # False holds the poll timer (r still refreshes): a screen captured from a frozen sandbox
        # must not change because a slow machine let a poll land first (it moves the rate-limit count).
        self.polls = polls
        self.backend = backend
        self.settings = settings
        self.now = _clock(now)
        self.snapshot: Snapshot | None = None
        self.prepared: Prepared | None = None
        self.data = DataState()
        self._failures = 0
        self._timer: Timer | None = None
        self._known_approvals: set[tuple[int, str]] | None = None
        # The bell is looked up when it rings (a test or a subclass may replace it after start).
        self.alerts = Alerts(settings.notify_mode, settings.dispatch_ref, lambda: self.bell(), self._write_terminal)
        self._preparer = Preparer()
        self._prepare: Callable[[Snapshot], Prepared] = self._preparer  # phase one (the bench times it)
        self._refresh_worker: Worker | None = None
        self._listed_at: float | None = None  # monotonic time of the last ECR listing
        self._init_failures()
        self._hint_timer: Timer | None = None
        # What dialogs keep between openings (prune: the digests the operator unchecked).
        self.remembered: dict[str, Any] = {}
        self.approval_watch = ApprovalWatch(self)  # between polls: a new pending approval in seconds
        self.sub_title = plain(f"{settings.repo} → ECR {settings.ecr_repository}")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Every notification (screens' and widgets' too: they call this) is data: run names,
        branches, errors and search terms are shown as written, never read as markup."""
        super().notify(plain(message, lines=True), title=plain(title), severity=severity, timeout=timeout, markup=False)

    # --- lifecycle -----------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(dict(self.settings.keys))
            unknown = sorted(set(self.settings.keys) - set(BY_ID))
            if unknown:
                self.notify(f"Unknown key binding id(s) in the config file: {', '.join(unknown)}; "
                            "press ? to see the ids.", severity="warning", timeout=30)
        if self.settings.theme:
            if self.settings.theme in self.available_themes:
                self.theme = self.settings.theme
            else:
                self.notify(f"Unknown theme '{self.settings.theme}'; using the default "
                            f"(available: {', '.join(sorted(self.available_themes))}).", severity="warning")
        self.push_screen(self.first_screen())
        self._check_size(self.size.width, self.size.height)
        self.set_interval(1.0, self.show_status)
        self.refresh_now()
        if self.polls:
            self.approval_watch.start()
        stopping.start(self, self.backend, self.settings)  # reconcile open audit intents; TERM/HUP

    def first_screen(self) -> Screen:
        """The screen the console opens on (ui/repositories.py: the Repositories view)."""
        return MainScreen()

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif not small and showing:
            self.pop_screen()

    # --- refresh loop --------------------------------------------------------------------------

    @property
    def polling(self) -> bool:
        """A poll (both phases) is still running."""
        return self._refresh_worker is not None and self._refresh_worker.is_running

    def refresh_now(self, *, full: bool = True) -> None:
        """Poll now unless a poll is already running (polls never overlap). ``full=False`` (the timer)
        may reuse the last ECR listing while only an approval keeps the loop fast."""
        if self.data.refreshing or self.polling:
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._set_data(refreshing=True, paused=False)
        since = time.monotonic() - self._listed_at if self._listed_at is not None else None
        reuse = not full and may_skip_ecr(self.snapshot, since, self.settings.refresh_seconds)
        self._refresh_worker = self.run_worker(self._load_snapshot(reuse), name="refresh", group="refresh",
                                               exit_on_error=False)

    async def _load_snapshot(self, reuse_images: bool) -> None:
        if reuse_images and self.snapshot is not None and self.snapshot.images_complete:
            snapshot = await self.backend.snapshot(reuse_images=self.snapshot.images)
        else:
            started = time.monotonic()
            # The first load is cheap (pointer tags only: the overview is complete); every image follows.
            snapshot = await self.backend.snapshot(pointers_only=self.snapshot is None)
            self._listed_at = started
        await self._show_snapshot(snapshot)
        if not snapshot.images_complete:
            await self._show_snapshot(await self.backend.with_all_images(snapshot))

    async def _show_snapshot(self, snapshot: Snapshot) -> None:
        # Off the event loop: on 10,000 images this is real work. The overview first, then the table rows.
        # Break-glass rollbacks leave no deployment on GitHub: this machine's audit log names them.
        snapshot = await asyncio.to_thread(with_direct_rollbacks, snapshot, AuditLog.for_settings(self.settings))
        prepared = await asyncio.to_thread(self._prepare, snapshot)
        self.post_message(SnapshotLoaded(snapshot, prepared))
        if prepared.image_rows is None and snapshot.images_complete:
            self.post_message(ImagesPrepared(prepared, await asyncio.to_thread(self._preparer.rows, prepared)))

    @on(SnapshotLoaded)
    def _snapshot_loaded(self, message: SnapshotLoaded) -> None:
        snapshot = message.snapshot
        self._notify_new_approvals(snapshot)
        for label in self.alerts.new_failures(snapshot):
            self.notify(f"{label} failed.", title="Run failed", severity="error", timeout=15)
        self.snapshot, self.prepared, self._failures = snapshot, message.prepared, 0
        now = self.now()
        # Still refreshing until every image has arrived (the overview is already complete).
        self._set_data(loaded_at=now, refreshing=not snapshot.images_complete, stale_reason=None,
                       rate_limit=snapshot.rate_limit,
                       partial=snapshot.errors)
        self._draw()
        self._schedule(next_delay(snapshot, self.settings.refresh_seconds))

    @on(ImagesPrepared)
    def _images_prepared(self, message: ImagesPrepared) -> None:
        if self.prepared is message.base:  # else a newer refresh has landed meanwhile
            self.prepared = message.prepared
            self._draw()

    @on(SnapshotFailed)
    def _snapshot_failed(self, message: SnapshotFailed) -> None:
        self._failures += 1
        self._set_data(refreshing=False, stale_reason=message.reason)
        main = self._main()
        if self.snapshot is None and main is not None:
            for view in main.query(View):
                view.show_problem(message.reason)
        self._schedule(next_delay(self.snapshot, self.settings.refresh_seconds, self._failures,
                                  message.retry_after))

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._set_data(next_at=self.now() + timedelta(seconds=delay))
        if self.polls:
            self._timer = self.set_timer(delay, self._due)

    def _due(self) -> None:
        self._timer = None
        if self.modal_open or self.polling:
            self._set_data(paused=self.modal_open)
            self._timer = self.set_timer(1.0, self._due)  # look again soon; poll once it closes
            return
        self.refresh_now(full=False)

    @property
    def modal_open(self) -> bool:
        return any(isinstance(screen, ModalScreen) for screen in self.screen_stack)

    def _draw(self) -> None:
        if self.snapshot is None or self.prepared is None:
            return
        main = self._main()
        if main is not None:
            main.show_data(self.snapshot, self.prepared)

    def _notify_new_approvals(self, snapshot: Snapshot) -> None:
        keys = approval_keys(snapshot)
        new = keys - self._known_approvals if self._known_approvals is not None else set()
        self._known_approvals = keys
        for run, approval in snapshot.approvals:
            if (run.id, approval.environment) in new:
                self.notify(f"{run_label(run)} ({run.head_branch or run.head_sha[:7]}) waits for approval to "
                            f"deploy to {approval.environment}.", title="Deployment waiting for approval",
                            severity="warning", timeout=15)
        if new:
            waiting = [f"{run_label(run)} → {approval.environment}" for run, approval in snapshot.approvals
                       if (run.id, approval.environment) in new]
            self.alerts.raise_("Deployment waiting for approval", ", ".join(waiting))

    @on(ActionFinished)
    def _action_finished(self, message: ActionFinished) -> None:
        self.alerts.raise_(f"{message.name} {message.outcome}", self.settings.repo)

    def _write_terminal(self, sequence: str) -> None:
        """Raw output to the terminal (a desktop notification's escape sequence), as App.bell writes BEL."""
        if self._driver is not None:
            self._driver.write(sequence)

    # --- status line ---------------------------------------------------------------------------

    def _set_data(self, **changes: Any) -> None:
        self.data = DataState(**{**self.data.__dict__, **changes})
        self.show_status()

    def show_status(self) -> None:
        if not self.screen_stack:  # shutting down
            return
        for bar in self.screen.query(StatusBar):
            bar.draw()

    def say(self, message: str) -> None:
        """Why a key did nothing, on the status line above the footer (no dialog, no toast to chase)."""
        if self._hint_timer is not None:
            self._hint_timer.stop()
        self._set_data(hint=message)
        self._hint_timer = self.set_timer(HINT_SECONDS, lambda: self._set_data(hint=None))

    def get_key_display(self, binding: Binding) -> str:
        """Keys as the help screen and README spell them (ctrl+p, Esc, Enter)."""
        return binding.key_display or key_display(binding.key)
