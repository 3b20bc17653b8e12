"""Approve / reject screen: what goes out, who may review, a required comment, then the deploy and
smoke jobs as they progress and ECR's answer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Static

from console.actions import approve as approve_action
from console.actions.approve import ApprovalPreview
from console.actions.render_approval import approval_panel
from console.ui.dialogs.base import ACTS, ActionScreen
from console.ui.dialogs.fit import SCROLLS, SIZES_BOX


class ApproveScreen(ActionScreen):

    def __init__(self, run_id: int | None) -> None:
        super().__init__()
        self.run_id = run_id
        self.preview: ApprovalPreview | None = None

    def compose_dialog(self) -> ComposeResult:
        yield from self.compose_head(f"Review deployment of {self.names.label(self.run_id)}", "approve/reject")
        with VerticalScroll(id="preview-box", classes=SCROLLS):
            yield Static("", id="preview", classes=SIZES_BOX)
        yield Input(placeholder="comment (required)", id="comment", classes=ACTS)
        yield from self.compose_tail()

    def compose_buttons(self) -> ComposeResult:
        yield Button("Approve", id="approve", variant="success", disabled=True, classes=ACTS)
        yield Button("Reject", id="reject", variant="error", disabled=True, classes=ACTS)
        yield from super().compose_buttons()

    def on_mount(self) -> None:
        run_id = self.run_id
        if run_id is None:
            self.set_status("Select a run waiting for approval first.", "error")
            return
        self.set_status("Loading what this run would deploy…")
        self.load(lambda: approve_action.preview(self.ctx, run_id), self._loaded)

    def _loaded(self, preview: ApprovalPreview | None) -> None:
        self.preview = preview
        if preview is None:
            return
        self.query_one("#preview", Static).update(approval_panel(preview, self.now()))
        self.fit()
        if preview.why_not:
            self.set_status(preview.why_not, "error")
        else:
            self.set_status("Write a comment, then Approve or Reject (Escape closes).")
            self.query_one("#comment", Input).focus()
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        blocked = self.preview is None or bool(self.preview.why_not) or self.running or self.settings.read_only
        for button in self.query("#approve, #reject").results(Button):
            button.disabled = blocked

    @on(Button.Pressed, "#approve")
    def _approve(self) -> None:
        self._confirm(approve=True)

    @on(Button.Pressed, "#reject")
    def _reject(self) -> None:
        self._confirm(approve=False)

    def _confirm(self, approve: bool) -> None:
        preview = self.preview
        if preview is None or preview.why_not or self.running or self.finished or self.settings.read_only:
            return
        comment = self.query_one("#comment", Input).value.strip()
        verb = "approve" if approve else "reject"
        if not comment:
            self.set_status(f"A comment is required to {verb}.", "error")
            self.query_one("#comment", Input).focus()
            return
        operation = approve_action.Review(self.ctx, preview, approve=approve, comment=comment)
        self.ask(operation, operation.preview(self.now()), lambda: operation.execute(self.report),
                 lambda result: self._done(operation, result))

    def _done(self, operation: approve_action.Review, result: approve_action.ReviewResult) -> None:
        self.set_status(operation.summary(result), "ok")
        self.preview = None
