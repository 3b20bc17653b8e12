"""What every action screen shares: the action context, a progress log, a status line, running
one action at a time in a worker, and keeping the operator on the screen while it runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Input, RichLog, Static

from console.actions import ActionContext
from console.actions.audit import AuditLog
from console.actions.context import record_cancelled
from console.actions.direct import BANNER
from console.actions.guard import is_running
from console.actions.progress import Progress
from console.config import Settings
from console.errors import ConsoleError
from console.ui.dialogs.compact import compact_controls
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.widgets.footer import KeyFooter


class ActionScreen(Screen):
    DEFAULT_CSS = """
    ActionScreen { padding: 0 1; }
    ActionScreen .title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    ActionScreen .banner { background: $error; color: $text; text-style: bold; padding: 0 1; }
    ActionScreen #status { height: auto; min-height: 1; padding: 0 1; }
    ActionScreen #status.error { color: $error; text-style: bold; }
    ActionScreen #status.ok { color: $success; text-style: bold; }
    ActionScreen #progress { height: 8; min-height: 4; border: round $panel; display: none; }
    ActionScreen #progress.shown { display: block; }
    ActionScreen .buttons { height: auto; margin-top: 1; }
    ActionScreen .buttons Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    running = False
    _leave_armed = False
    status_text = ""  # the status line as plain text (tests and screen readers)

    @property
    def settings(self) -> Settings:
        return self.app.settings  # type: ignore[attr-defined]

    @property
    def ctx(self) -> ActionContext:
        if not hasattr(self, "_ctx"):
            backend = self.app.backend  # type: ignore[attr-defined]
            self._ctx = ActionContext(self.settings, backend.github, backend.ecr, AuditLog.for_settings(self.settings))
        return self._ctx

    def now(self) -> datetime:
        """The app's clock (fixed in snapshots and screenshots), so ages match the main views."""
        clock = getattr(self.app, "now", None)
        return clock() if callable(clock) else datetime.now(timezone.utc)

    def on_resize(self) -> None:
        compact_controls(self)

    def compose_head(self, title: str, action: str) -> ComposeResult:
        """Title bar, and in read-only mode a banner saying the action is off."""
        yield Static(title, classes="title")
        if reason := self.read_only_reason(action):
            yield Static(reason, classes="banner", id="read-only")

    def compose_tail(self) -> ComposeResult:
        """Status line, progress log and key footer: the bottom of every action screen."""
        yield Static("", id="status")
        yield RichLog(id="progress", wrap=True, markup=False)
        yield KeyFooter()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    # --- status and progress -------------------------------------------------------------------

    def set_status(self, message: str, kind: str = "") -> None:
        self.status_text = message
        status = self.query_one("#status", Static)
        status.set_classes(kind)
        status.update(Text(message))

    def report(self, progress: Progress) -> None:
        """Progress callback for the actions layer (runs on the event loop: safe to touch widgets)."""
        log = self.query_one("#progress", RichLog)
        log.add_class("shown")  # hidden until there is progress: small terminals need the room
        log.write(Text.assemble((f"{progress.stage:>8} ", "dim"), progress.message))

    def read_only_reason(self, action: str) -> str | None:
        if self.settings.read_only:
            return f"read-only mode: {action} is disabled; drop --read-only to act."
        return None

    # --- running one action --------------------------------------------------------------------

    def start(self, name: str, work: Callable[[], Awaitable[Any]], done: Callable[[Any], None]) -> bool:
        """Run ``work`` in a worker unless an action already runs here (a double press does nothing)."""
        if self.running:
            self.notify(f"{name} is already running.", severity="warning")
            return False
        self.running = True
        self.refresh_bindings()
        self._sync_buttons()
        # The hint that asked for the click is stale now; say what is happening instead.
        self.set_status(f"{name} is running; its progress follows below.")

        async def job() -> None:
            try:
                result = await work()
            except ConsoleError as exc:
                self.set_status(str(exc), "error")
                self.report(Progress("error", str(exc)))
            except Exception as exc:  # noqa: BLE001 - the screen must survive and say what happened
                self.set_status(f"unexpected failure ({type(exc).__name__}: {exc}); check the audit log and GitHub.", "error")
            else:
                done(result)
            finally:
                self.running = False
                self._sync_buttons()
                refresh = getattr(self.app, "refresh_now", None)
                if callable(refresh):
                    refresh()

        self.run_worker(job(), group="action", exit_on_error=False)
        return True

    def cancelled(self, record) -> None:
        record_cancelled(self.ctx, record)
        self.set_status("Cancelled: nothing was changed.")

    def _sync_buttons(self) -> None:
        """Subclasses disable their write buttons while running."""

    def load(self, work: Callable[[], Awaitable[Any]], done: Callable[[Any], None]) -> None:
        """Read-only loading (plans, previews): the newest load wins, errors go to the status line."""

        async def job() -> None:
            try:
                result = await work()
            except ConsoleError as exc:
                self.set_status(str(exc), "error")
                done(None)
            except Exception as exc:  # noqa: BLE001
                self.set_status(f"unexpected failure ({type(exc).__name__}: {exc}).", "error")
                done(None)
            else:
                done(result)

        self.run_worker(job(), group="load", exclusive=True, exit_on_error=False)

    def action_close(self) -> None:
        if self.running and not self._leave_armed:
            self._leave_armed = True
            self.notify("An action is running: press Escape again to stop following it here "
                        "(a dispatched run goes on in GitHub Actions).", severity="warning")
            return
        self.dismiss()


class PlannedActionScreen(ActionScreen):
    """Rollback and prune: a plan, a reason, Execute or Break-glass, one confirmation per mode.

    Subclasses set ``OPERATION`` and ``ACTIONS`` (the ``console.actions`` module with ``audit_record``
    and ``execute``), and provide ``ready_plan`` (what would run now, or None) and ``confirm_modal``.
    """

    BINDINGS = [Binding("r", "replan", "Re-plan"), Binding("ctrl+d", "direct", "Break-glass")]
    OPERATION = ""
    ACTIONS: ModuleType
    EXECUTE_LABEL = ""
    DIRECT_NOTE: RenderableType = ""  # what break-glass does instead, in the first of its two modals

    def ready_plan(self) -> Any | None:
        raise NotImplementedError

    def confirm_modal(self, plan: Any) -> ConfirmModal:
        raise NotImplementedError

    def action_replan(self) -> None:
        raise NotImplementedError

    def compose_execute(self) -> ComposeResult:
        yield Input(placeholder="reason (optional, recorded in the run and the audit log)", id="reason")
        with Horizontal(classes="buttons"):
            yield Button(self.EXECUTE_LABEL, id="execute", variant="error", disabled=True)
            yield Button("Break-glass (direct)", id="direct", disabled=True)
            yield Button("Close", id="close")
        yield from self.compose_tail()

    def _sync_buttons(self) -> None:
        elsewhere = is_running(self.settings.repo, self.OPERATION) and not self.running  # another screen's run
        blocked = elsewhere or self.ready_plan() is None or self.running or self.settings.read_only
        for button in self.query("#execute, #direct").results(Button):
            button.disabled = blocked

    @on(Button.Pressed, "#execute")
    def _execute(self) -> None:
        self._confirm(direct=False)

    @on(Button.Pressed, "#direct")
    def action_direct(self) -> None:
        self._confirm(direct=True)

    def _confirm(self, direct: bool) -> None:
        plan = self.ready_plan()
        if plan is None or self.running or self.settings.read_only:
            return
        reason = self.query_one("#reason", Input).value
        record = self.ACTIONS.audit_record(self.ctx, plan, direct=direct, reason=reason)

        def confirmed(ok: bool | None) -> None:
            if not ok:
                self.cancelled(record)
                return
            self.start(f"A {self.OPERATION}", lambda: self.ACTIONS.execute(self.ctx, plan, report=self.report,
                                                                          direct=direct, reason=reason), self._done)

        modal = self.confirm_modal(plan)
        if not direct:
            self.app.push_screen(modal, confirmed)
            return
        extra = ConfirmModal(f"Break-glass {self.OPERATION} without GitHub Actions?", self.DIRECT_NOTE,
                             confirm_label="Use direct mode", require="direct", banner=BANNER)
        self.app.push_screen(extra, lambda ok: self.app.push_screen(modal, confirmed) if ok else self.cancelled(record))

    def _done(self, result: Any) -> None:
        raise NotImplementedError
