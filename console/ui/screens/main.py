"""The main screen: the five views as tabs, the data status line and the footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, TabbedContent, TabPane

from console.model import Snapshot
from console.ui.format import HEADER_ICON
from console.ui.keys import BY_ID, VIEWS, keys_of
from console.ui.prepare import Prepared
from console.ui.typed import console_of
from console.ui.views.approvals import ApprovalsView
from console.ui.views.base import View
from console.ui.views.environments import EnvironmentsView
from console.ui.views.images import ImagesView
from console.ui.views.overview import OverviewView
from console.ui.views.runs import RunsView
from console.ui.widgets.footer import KeyFooter
from console.ui.widgets.status_bar import StatusBar

VIEW_CLASSES: dict[str, type[View]] = {
    "overview": OverviewView, "runs": RunsView, "images": ImagesView, "environments": EnvironmentsView,
    "approvals": ApprovalsView,
}


class MainScreen(Screen):
    """Only the visible view redraws when data lands; the others redraw when their tab is opened, so a
    refresh costs one view's work while the operator types or scrolls."""

    def __init__(self) -> None:
        super().__init__()
        self._data: tuple[Snapshot, Prepared] | None = None
        self._drawn: dict[str, tuple[Snapshot, Prepared] | None] = {}

    def compose(self) -> ComposeResult:
        keymap = console_of(self).settings.keys
        yield Header(icon=HEADER_ICON)
        with TabbedContent(id="views"):
            for name in VIEWS:
                key = self.app.get_key_display(Binding(keys_of(BY_ID[f"view.{name}"], keymap)[0], ""))
                with TabPane(f"{key} {VIEW_CLASSES[name].title}", id=f"tab-{name}"):
                    yield VIEW_CLASSES[name](id=f"view-{name}")
        yield StatusBar(id="status")
        yield KeyFooter()

    def show_data(self, snapshot: Snapshot, prepared: Prepared) -> None:
        self._data = (snapshot, prepared)
        self._draw_active()

    def on_tabbed_content_tab_activated(self) -> None:
        self._draw_active()

    def _draw_active(self) -> None:
        name = self.active_name
        if self._data is not None and self._drawn.get(name) is not self._data:
            self._drawn[name] = self._data
            view = self.active_view
            try:
                view.draw(*self._data, console_of(self).now())
            except Exception as error:
                console_of(self).view_failed(view, error, f"the {view.title} view (drawing new data)")
            else:
                view.clear_failure()

    @property
    def active_view(self) -> View:
        name = self.active_name
        return self.query_one(f"#view-{name}", View)

    @property
    def active_name(self) -> str:
        return (self.query_one("#views", TabbedContent).active or "tab-overview").removeprefix("tab-")

    def switch_to(self, name: str) -> None:
        tabs = self.query_one("#views", TabbedContent)
        tabs.active = f"tab-{name}"
        # Drawn and focused now, not on the next ticks (TabActivated, focus()): a key already queued
        # behind this one ("2⏎" in one terminal read, or typed ahead on a busy machine) must find this
        # view's rows, and reach this view's table rather than the last view's.
        self._draw_active()
        view = self.query_one(f"#view-{name}", View)
        focusable = [w for w in view.query("DataTable, VirtualTable") if w.display]
        if focusable:
            self.set_focus(focusable[0])
