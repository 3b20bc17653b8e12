"""What every action screen shares: the action context, a progress log, a status line, running
one action at a time in a worker, and keeping the operator on the screen while it runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import RichLog, Static

from console.actions import ActionContext
from console.actions.audit import AuditLog
from console.actions.context import record_cancelled
from console.actions.progress import Progress
from console.config import Settings
from console.errors import ConsoleError


class ActionScreen(Screen):
    DEFAULT_CSS = """
    ActionScreen { padding: 0 1; }
    ActionScreen .title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    ActionScreen .banner { background: $error; color: $text; text-style: bold; padding: 0 1; }
    ActionScreen #status { height: auto; min-height: 1; padding: 0 1; }
    ActionScreen #status.error { color: $error; text-style: bold; }
    ActionScreen #status.ok { color: $success; text-style: bold; }
    ActionScreen #progress { height: 8; border: round $panel; display: none; }
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
