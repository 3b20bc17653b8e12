"""What every action screen shares: the action context, a progress log, a status line, running
one action at a time in a worker, and keeping the operator on the screen while it runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from types import ModuleType
from typing import Any, Generic, TypeVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RichLog, Static
from textual.worker import Worker

from console.actions import ActionContext
from console.actions.approve import Review
from console.actions.attempt import declined
from console.actions.carry_out import PlannedOperation
from console.actions.guard import Cancelled, is_running
from console.actions.operation import Operation
from console.actions.progress import Progress
from console.actions.render import cell
from console.config import Settings
from console.errors import ConsoleError
from console.model import WorkflowRun
from console.model.format import span
from console.ui.dialogs.compact import compact_controls
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.dialogs.fit import SCROLLS, SIZES_BOX, fit_heights, fit_width
from console.ui.dialogs.naming import RunNames
from console.ui.format import run_label
from console.ui.keys import app_bindings, bindings
from console.ui.messages import ActionFinished
from console.ui.typed import console_of
from console.ui.widgets.footer import KeyFooter

ACTS = "acts"  # class of the controls that act (inputs, choices, action buttons): gone once done
R = TypeVar("R")  # what an action's or a load's work returns
PlanT = TypeVar("PlanT")  # a planned action's plan (RollbackPlan, PrunePlan)
OpT = TypeVar("OpT", bound=Operation)  # and its operation (Rollback, Prune)


class ActionScreen(ModalScreen):
    """A modal box sized to its content over the dimmed console: title, the plan or preview, the
    operator's input, the progress log, the status line, the buttons; the key footer below."""

    DEFAULT_CSS = """
    ActionScreen { align: center middle; }
    ActionScreen > #dialog { width: 64; height: auto; max-height: 100%; border: round $primary;
        background: $surface; padding: 0 1; }
    ActionScreen #dialog > * { width: 100%; }
    ActionScreen .title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    ActionScreen .banner { background: $error; color: $text; text-style: bold; padding: 0 1; }
    ActionScreen #dialog > .scrolls { height: auto; }
    ActionScreen #status { height: auto; min-height: 1; padding: 0 1; }
    ActionScreen #status.error { color: $error; text-style: bold; }
    ActionScreen #status.ok { color: $success; text-style: bold; }
    ActionScreen #progress { height: auto; max-height: 10; border: round $panel; display: none; }
    ActionScreen #progress.shown { display: block; }
    ActionScreen .buttons { height: auto; margin-top: 1; }
    ActionScreen .buttons Button { margin-right: 2; }
    """
    MIN_WIDTH = 64  # the buttons' row and a readable status line
    ACTING: frozenset[str] = frozenset()  # the dialog's key actions that act (gone once it has acted)
    BINDINGS = [*bindings("dialog.close", "dialog.open"), *app_bindings("help", "quit")]
    OPERATION = ""  # what the action is called where it is said ("rollback"); blank: "action"

    running = False
    finished = False  # an action ran here: the result and Close, nothing that could act again
    _leave_armed = False
    status_text = ""  # the status line as plain text (tests and screen readers)
    followed: WorkflowRun | None = None  # the run this action follows, once GitHub lists it
    _first_progress: datetime | None = None
    _ctx: ActionContext | None = None
    _names: RunNames | None = None
    _action_task: asyncio.Task[Any] | None = None  # the action (or load) running now: a signal stops it
    _action: Worker[None] | None = None

    @property
    def names(self) -> RunNames:
        """Runs by name ("CD #39") in titles, progress and status: the console's list, then the action's."""
        if self._names is None:
            snapshot = console_of(self).snapshot
            self._names = RunNames(snapshot.runs if snapshot else ())
        return self._names

    @property
    def settings(self) -> Settings:
        return console_of(self).settings

    @property
    def ctx(self) -> ActionContext:
        if self._ctx is None:
            self._ctx = ActionContext.from_backend(console_of(self).backend, self.settings)
        return self._ctx

    def now(self) -> datetime:
        """The app's clock (fixed in snapshots and screenshots), so ages match the main views."""
        return console_of(self).now()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield from self.compose_dialog()
        yield KeyFooter()

    def compose_dialog(self) -> ComposeResult:
        """The box's content, top to bottom (each dialog's own)."""
        raise NotImplementedError

    def on_resize(self) -> None:
        compact_controls(self)
        self.fit()

    def fit(self) -> None:
        """Size the box to its content (call after the content changed): width now, heights once the
        new width has been laid out (wrapping depends on it)."""
        if not self.is_mounted:
            return
        fit_width(self.query_one("#dialog"), self.size.width, self.MIN_WIDTH)
        self.call_after_refresh(self._fit_heights)

    def _fit_heights(self) -> None:
        footer = sum(f.outer_size.height for f in self.query(KeyFooter))
        fit_heights(self.query_one("#dialog"), self.size.height - footer)

    def compose_head(self, title: str, action: str) -> ComposeResult:
        """Title bar, and in read-only mode a banner saying the action is off."""
        yield Static(cell(title), classes=f"title {SIZES_BOX}")
        if reason := self.read_only_reason(action):
            yield Static(cell(reason), classes="banner", id="read-only")

    def compose_tail(self) -> ComposeResult:
        """Progress log, status line and buttons: the bottom of every action box."""
        yield RichLog(id="progress", wrap=True, markup=False, classes=SCROLLS)
        yield Static("", id="status")
        with Horizontal(classes=f"buttons {SIZES_BOX}"):
            yield from self.compose_buttons()

    def compose_buttons(self) -> ComposeResult:
        """The row of buttons: the dialog's own, then Close."""
        yield Button("Close", id="close")

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    # --- status and progress -------------------------------------------------------------------

    def set_status(self, message: str, kind: str = "") -> None:
        message = self.names(message)
        self.status_text = message
        status = self.query_one("#status", Static)
        status.set_classes(kind)
        status.update(cell(message))

    def report(self, progress: Progress) -> None:
        """Progress callback for the actions layer (runs on the event loop: safe to touch widgets)."""
        log = self.query_one("#progress", RichLog)
        if not log.has_class("shown"):  # hidden until there is progress: small terminals need the room
            log.add_class("shown")
            self.fit()
        message = self.names(progress.message)  # before learning its run: "lists run 110… as CD #39"
        self.followed = progress.run or self.followed
        self.names.learn(progress.run)
        now = self.now()
        self._first_progress = self._first_progress or now
        # Time, elapsed and stage in a column of their own: a long message wraps under itself.
        line = Table.grid(padding=(0, 1))
        line.add_column(style="dim", no_wrap=True)
        line.add_column(overflow="fold")
        line.add_row(f"{now:%H:%M:%S} +{span(now - self._first_progress):>6} {progress.stage:>8}", cell(message))
        log.write(line)
        self.call_after_refresh(self._fit_heights)  # the log grows up to its max height

    def action_open_run(self) -> None:
        """o: the run this action follows, in the browser (or why not)."""
        run = self.followed
        if run is None or not run.html_url:
            self.set_status("o opens the run this action follows: none yet (it appears once dispatched).")
        elif not console_of(self).browser_available():
            self.set_status(f"No web browser found here (set $BROWSER): {run.html_url}")
        else:
            self.app.open_url(run.html_url)
            self.set_status(f"Opening {run_label(run)}: {run.html_url}")

    def read_only_reason(self, action: str) -> str | None:
        if self.settings.read_only:
            return f"read-only mode: {action} is disabled; drop --read-only to act."
        return None

    # --- running one action --------------------------------------------------------------------

    def start(self, name: str, work: Callable[[], Awaitable[R]], done: Callable[[R], None]) -> bool:
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
            self._action_task = asyncio.current_task()
            outcome = "ended with an error"
            try:
                result = await work()
            except ConsoleError as exc:
                self.set_status(str(exc), "error")
                self.report(Progress("error", str(exc)))
            except Exception as exc:
                self.set_status(f"unexpected failure ({type(exc).__name__}: {exc}); check the audit log and GitHub.", "error")
            else:
                outcome = "finished"
                done(result)
            finally:
                self.app.post_message(ActionFinished(name, outcome))  # bell / desktop notification
                self.running = False
                self.finish()
                console_of(self).refresh_now()

        self._action = self.run_worker(job(), group="action", exit_on_error=False)
        return True

    async def stop_action(self, reason: str) -> None:
        """Stop the action under way (a signal): it records ``interrupted`` with ``reason`` and its run."""
        task, action = self._action_task, self._action
        if self.running and task is not None and not task.done():
            task.cancel(reason)
            if action is not None:
                with contextlib.suppress(Exception):  # WorkerCancelled: what we asked for
                    await action.wait()

    def ask(self, operation: Operation, body: RenderableType, work: Callable[[], Awaitable[R]],
            done: Callable[[R], None]) -> None:
        """The operation's confirmation (its break-glass step first), then ``work`` in a worker; a
        'no' at either step is recorded through the operation's audit record."""
        confirmation = operation.confirmation()

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.start(operation.noun, work, done)
            else:
                self.run_worker(declined(self.ctx, operation.audit_record(), Cancelled("Cancelled in the console.")),
                                group="audit", exit_on_error=False)
                self.set_status("Cancelled: nothing was changed.")

        modal = ConfirmModal(confirmation.question, echo_words(operation, body),
                             confirm_label=confirmation.confirm_label, require=confirmation.require)
        glass = confirmation.break_glass
        if glass is None:
            self.app.push_screen(modal, confirmed)
            return
        first = ConfirmModal(glass.question, glass.note, confirm_label=glass.confirm_label, require=glass.require,
                             banner=glass.banner)

        def glass_confirmed(ok: bool | None) -> None:
            if ok:
                self.app.push_screen(modal, confirmed)
            else:
                confirmed(False)

        self.app.push_screen(first, glass_confirmed)

    def _sync_buttons(self) -> None:
        """Subclasses disable their write buttons while running."""

    def finish(self) -> None:
        """The action has ended (done or failed; the audit log has its outcome): keep the plan, the
        progress log and the result, take away every control that could act again, leave Close."""
        self.finished = True
        for widget in self.query(f".{ACTS}"):
            widget.display = False
        self.query_one("#close", Button).focus()
        self.refresh_bindings()
        self.fit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.finished and action in self.ACTING)

    def load(self, work: Callable[[], Awaitable[R]], done: Callable[[R | None], None]) -> None:
        """Read-only loading (plans, previews): the newest load wins, errors go to the status line."""

        async def job() -> None:
            self._action_task = asyncio.current_task()
            try:
                result = await work()
            except ConsoleError as exc:
                self.set_status(str(exc), "error")
                done(None)
            except Exception as exc:
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


def echo_words(operation: Operation, body: RenderableType) -> RenderableType:
    """The plan, then the operator's own comment or reason, as it will be recorded (data, not markup)."""
    if isinstance(operation, Review):
        name, said = "comment", operation.comment
    elif isinstance(operation, PlannedOperation):
        name, said = "reason", operation.reason
    else:
        return body
    if said.strip():
        return Group(body, Text.assemble((f"\nYour {name}: ", "bold"), said.strip()))
    return body


class PlannedActionScreen(ActionScreen, Generic[PlanT, OpT]):
    """Rollback and prune: a plan, a reason, Execute or Break-glass, the operation's confirmation.

    Subclasses set ``OPERATION`` and ``ACTIONS`` (the ``console.actions`` module with the operation
    class ``ACTIONS.<Name>``), and provide ``ready_plan`` (what would run now, or None) and
    ``confirm_body`` (the plan as the confirmation shows it).
    """

    BINDINGS = bindings("dialog.replan", "dialog.direct")
    ACTING = frozenset({"replan", "direct"})
    ACTIONS: ModuleType
    EXECUTE_LABEL = ""

    def ready_plan(self) -> PlanT | None:
        raise NotImplementedError

    def operation(self, plan: PlanT, *, direct: bool, reason: str) -> OpT:
        raise NotImplementedError

    def confirm_body(self, operation: OpT) -> RenderableType:
        return operation.preview(self.now())

    def action_replan(self) -> None:
        raise NotImplementedError

    def compose_execute(self) -> ComposeResult:
        yield Input(placeholder="reason (optional, recorded in the run and the audit log)", id="reason", classes=ACTS)
        yield from self.compose_tail()

    def compose_buttons(self) -> ComposeResult:
        yield Button(self.EXECUTE_LABEL, id="execute", variant="error", disabled=True, classes=ACTS)
        yield Button("Break-glass (direct)", id="direct", disabled=True, classes=ACTS)
        yield from super().compose_buttons()

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
        if plan is None or self.running or self.finished or self.settings.read_only:
            return
        operation = self.operation(plan, direct=direct, reason=self.query_one("#reason", Input).value)
        self.ask(operation, self.confirm_body(operation), lambda: operation.execute(self.report),
                 lambda result: self._done(operation, result))

    def _done(self, operation: OpT, result: Any) -> None:  # result: what operation.execute returned
        raise NotImplementedError
