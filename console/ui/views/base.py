"""What every view (a tab of the main screen) offers the app: data in, selection out."""

from __future__ import annotations

from datetime import datetime

from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input

from console.config import Settings
from console.model import Snapshot
from console.ui.prepare import Prepared


class View(Vertical):
    """A tab of the main screen. The app pushes each new Snapshot into every view."""

    BINDINGS = [Binding("escape", "leave_filter", "Back to the list", show=False)]
    title = ""

    def action_leave_filter(self) -> None:
        """Esc in a filter box returns to the view's list (the filter stays applied)."""
        if isinstance(self.screen.focused, Input):
            tables = [w for w in self.query("DataTable, VirtualTable") if w.display]
            if tables:
                tables[0].focus()

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        """Render a new snapshot (called on every refresh, on the event loop: keep it cheap)."""

    def show_problem(self, reason: str) -> None:
        """No data at all yet and the first load failed (later failures keep the last data)."""

    @property
    def settings(self) -> Settings:
        return self.app.settings  # type: ignore[attr-defined]

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
