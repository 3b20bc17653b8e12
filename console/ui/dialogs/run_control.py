"""Re-run (failed jobs or all) and cancel a run: the run as it is now, one button, the operation's
own confirmation (the typed word for a production CD run), then the new attempt or the
cancellation followed here (keys F, R, X in the Runs view and run detail)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from console.actions import run_control
from console.actions.follow import FollowResult
from console.actions.run_control import RunControl
from console.ui.dialogs.base import ACTS, ActionScreen
from console.ui.dialogs.fit import SCROLLS, SIZES_BOX

# kind -> (title verb, button label)
KINDS = {
    "failed": ("Re-run the failed jobs of", "Re-run failed jobs"),
    "all": ("Re-run every job of", "Re-run all jobs"),
    "cancel": ("Cancel", "Cancel the run"),
}


class RunControlScreen(ActionScreen):

    def __init__(self, run_id: int | None, kind: str) -> None:
        super().__init__()
        self.run_id, self.kind = run_id, kind
        self.operation: RunControl | None = None

    def compose_dialog(self) -> ComposeResult:
        verb, _ = KINDS[self.kind]
        yield from self.compose_head(f"{verb} {self.names.label(self.run_id)}", "re-run/cancel")
        with VerticalScroll(id="preview-box", classes=SCROLLS):
            yield Static("", id="preview", classes=SIZES_BOX)
        yield from self.compose_tail()

    def compose_buttons(self) -> ComposeResult:
        yield Button(KINDS[self.kind][1], id="execute", variant="error", disabled=True, classes=ACTS)
        yield from super().compose_buttons()

    def on_mount(self) -> None:
        run_id = self.run_id
        if run_id is None:
            self.set_status("Select a run first (Runs view, or open one with Enter).", "error")
            return
        self.set_status(f"Reading run {run_id}…")
        self.load(lambda: run_control.load(self.ctx, run_id), self._loaded)

    def _make(self, state: run_control.RunState) -> RunControl:
        if self.kind == "cancel":
            return run_control.CancelRun(self.ctx, state)
        return run_control.Rerun(self.ctx, state, failed_only=self.kind == "failed")

    def _loaded(self, state: run_control.RunState | None) -> None:
        self.operation = self._make(state) if state is not None else None
        if self.operation is None:
            return
        self.query_one("#preview", Static).update(self.operation.preview(self.now()))
        self.fit()
        refusal = self.operation.refusal()
        self.set_status(refusal or f"Press '{KINDS[self.kind][1]}' to continue (Escape closes).", "error" if refusal else "")
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        operation = self.operation
        blocked = operation is None or bool(operation.refusal()) or self.running or self.settings.read_only
        self.query_one("#execute", Button).disabled = blocked

    @on(Button.Pressed, "#execute")
    def _execute(self) -> None:
        operation = self.operation
        if operation is None or operation.refusal() or self.running or self.finished or self.settings.read_only:
            return
        self.ask(operation, operation.preview(self.now()), lambda: operation.execute(self.report), self._done)

    def _done(self, result: FollowResult) -> None:
        assert self.operation is not None
        self.set_status(self.operation.summary(result), "ok")
        self.operation = None
        self._sync_buttons()
