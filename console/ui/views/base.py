"""What every view (a tab of the main screen) offers the app: data in, selection out."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from console.config import Settings
from console.model import Snapshot
from console.ui.prepare import Prepared
from console.ui.typed import console_of


class View(Vertical):
    """A tab of the main screen. The main screen hands each new Snapshot to the view on show (``draw``)."""

    BINDINGS = [Binding("escape", "leave_filter", "Back to the list", show=False)]
    title = ""
    snapshot: Snapshot | None = None  # the data this view last drew: what its selection helpers read

    def action_leave_filter(self) -> None:
        """Esc in a filter box returns to the view's list (the filter stays applied)."""
        if isinstance(self.screen.focused, Input):
            tables = [w for w in self.query("DataTable, VirtualTable") if w.display]
            if tables:
                tables[0].focus()

    async def _on_message(self, message: Message) -> None:
        """Textual ends the whole app when a handler raises (and that widget's message loop stops).
        A view's handler failing is a bug in one view: its error panel says so and the console lives
        on. This wraps Textual's per-message dispatch (MessagePump._on_message); the crash tests in
        tests/ui/test_crashes.py fail if a Textual upgrade bypasses it."""
        try:
            await super()._on_message(message)
        except Exception as error:
            console_of(self).view_failed(self, error, f"the {self.title} view ({type(message).__name__})")

    def draw(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        """Hand the view the data it shows, then render it."""
        self.snapshot = snapshot
        self.show(snapshot, prepared, now)

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        """Render a new snapshot (called on every refresh, on the event loop: keep it cheap)."""

    def show_problem(self, reason: str) -> None:
        """No data at all yet and the first load failed (later failures keep the last data)."""

    def show_failure(self, reason: str) -> None:
        """This view failed (a bug, or data it could not draw): a panel on top says so in one line;
        the rest of the view keeps what it showed and the other views are unaffected."""
        panels = self.query(".view-error").results(Static)
        panel = next(panels, None)
        if panel is None:
            panel = Static(classes="view-error")
            self.mount(panel, before=0)
        panel.update(Text.assemble(("⚠ This view failed: ", "bold"), reason))

    def clear_failure(self) -> None:
        for panel in self.query(".view-error"):
            panel.remove()

    @property
    def settings(self) -> Settings:
        return console_of(self).settings

    # Selection helpers the app's o / c / a / b keys use; None means "nothing selected here".
    def selected_run_id(self) -> int | None:
        return None

    def selected_target(self) -> str | None:
        return None

    def selected_url(self) -> str | None:
        return None

    def selected_copy(self) -> str | None:
        return None

    def focus_filter(self) -> bool:
        """Show and focus this view's filter; False when the view has none."""
        return False
