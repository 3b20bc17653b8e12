"""A reusable confirmation modal for destructive actions.

Cancel has the focus when it opens, so Enter (or Escape) never confirms by accident. With
``require`` set (production), Confirm does nothing until the operator types that exact text.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from console.actions.render import cell
from console.ui.dialogs.compact import COMPACT_BELOW, compact_controls


class ConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > Vertical { width: 90%; max-width: 120; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 1 2; }
    ConfirmModal > Vertical.-small { padding: 0 1; }
    ConfirmModal #confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmModal #confirm-banner { background: $error; color: $text; text-style: bold; padding: 0 1; margin-bottom: 1; }
    ConfirmModal #confirm-body { height: auto; max-height: 20; }
    ConfirmModal #confirm-hint { color: $warning; height: auto; }
    ConfirmModal Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        body: RenderableType = "",
        *,
        confirm_label: str = "Confirm",
        require: str | None = None,
        banner: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label
        self.require = require
        self.banner = banner

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(cell(self.title_text), id="confirm-title")
            if self.banner:
                yield Static(cell(self.banner), id="confirm-banner")
            with VerticalScroll(id="confirm-body"):
                yield Static(cell(self.body) if isinstance(self.body, str) else self.body)
            if self.require:
                yield Label(Text.assemble("Type ", cell(self.require, "bold"), " to confirm:"))
                yield Input(placeholder="type it here", id="confirm-input", select_on_focus=False)
            yield Static("", id="confirm-hint")
            with Horizontal():
                yield Button("Cancel", id="cancel", variant="primary")
                yield Button(self.confirm_label, id="confirm", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_resize(self) -> None:
        compact_controls(self)
        self.query_one(Vertical).set_class(self.app.size.height < COMPACT_BELOW, "-small")
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """The body scrolls in whatever room the question, the typed name and the buttons leave:
        on a small terminal Cancel and Confirm stay on screen however long the plan is."""
        box = self.query_one(Vertical)
        body = self.query_one("#confirm-body", VerticalScroll)
        others = sum(w.outer_size.height + w.styles.margin.height for w in box.children if w is not body)
        room = int(self.size.height * 0.9) - box.styles.gutter.height - others
        body.styles.max_height = max(3, min(20, room))

    def on_key(self, event: events.Key) -> None:
        """Typing while Cancel has the focus goes to the confirmation field (Enter still cancels)."""
        if self.require is None or not event.is_printable or not event.character:
            return
        field = self.query_one("#confirm-input", Input)
        if self.focused is not field:
            event.stop()
            event.prevent_default()
            field.focus()
            field.insert_text_at_cursor(event.character)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm")
    @on(Input.Submitted, "#confirm-input")
    def _confirm(self) -> None:
        if self.require is not None:
            typed = self.query_one("#confirm-input", Input).value.strip()
            if typed != self.require:
                # A wrong name does nothing but say so; the modal stays open.
                self.query_one("#confirm-hint", Static).update(
                    f"'{typed}' does not match '{self.require}': nothing was done." if typed
                    else f"Type '{self.require}' first: nothing was done."
                )
                return
        self.dismiss(True)
