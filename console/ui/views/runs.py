"""Runs: recent CI, CD and Security runs with live status; Enter opens a run's jobs and logs."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Static

from console.model import Snapshot, WorkflowRun
from console.model.format import ago, span
from console.ui import filters
from console.ui.format import run_status
from console.ui.prepare import Prepared
from console.ui.typed import console_of
from console.ui.views.base import View
from console.ui.widgets.columns import Col
from console.ui.widgets.tables import replace_rows, row_table, selected_key

PLACEHOLDER = "/ filter runs: words, or workflow:cd branch:main status:failure actor:octo"


class RunsView(View):
    title = "Runs"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._runs: tuple[WorkflowRun, ...] = ()
        self._now: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="runs-filter", classes="filter")
        yield Static("No workflow runs yet: push to main to start CI, or push a v* tag to release.",
                     id="runs-empty", classes="empty")
        yield Static(id="runs-nomatch")
        # At 80 columns Took, Actor and the branch give way before the title; at 132+ nothing is cut.
        yield row_table(Col("Status", 9, 9), Col("Workflow", 6, 8), Col("Run", 4, 8), Col("Branch", 8, 5),
                        Col("Title", 16, 4, grow=True), Col("Started", 8, 6), Col("Actor", 8, 3), Col("Took", 6, 2),
                        id="runs-table")

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        self._runs, self._now = snapshot.runs, now
        self._redraw()

    @on(Input.Changed, "#runs-filter")
    def _filter_changed(self) -> None:
        self._redraw()

    @on(Input.Submitted, "#runs-filter")
    def _filter_done(self) -> None:
        self.query_one("#runs-table", DataTable).focus()

    def _redraw(self) -> None:
        if self._now is None:
            return
        query = self.query_one("#runs-filter", Input).value
        terms = filters.parse(query)
        shown = [r for r in self._runs if filters.matches(r, terms)]
        self.set_class(not self._runs, "-empty")
        problem = filters.problem(query)
        self.set_class(bool(self._runs and terms and not shown), "-nomatch")
        self.query_one("#runs-nomatch", Static).update(Text(  # the query is typed text, never markup
            problem or f"No run of the {len(self._runs)} loaded matches '{query.strip()}'. Words match any "
            "field; workflow:cd branch:main status:failed actor:NAME event:push narrow one. Esc returns "
            "to the list, / edits the filter."))
        table = self.query_one("#runs-table", DataTable)
        table.border_title = f"Runs ({len(shown)} of {len(self._runs)})" if terms else f"Runs ({len(shown)})"
        now = self._now
        replace_rows(table, ((str(r.id), (run_status(r), r.name, f"#{r.run_number}", r.head_branch or "-",
                                          r.display_title, ago(r.created_at, now), r.actor,
                                          span(r.duration) if not r.is_active else span(now - r.created_at)))
                             for r in shown))

    @on(DataTable.RowSelected, "#runs-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        console_of(self).open_run(int(str(event.row_key.value)))

    def selected_run_id(self) -> int | None:
        key = selected_key(self.query_one("#runs-table", DataTable))
        return int(key) if key else None

    def _selected_run(self) -> WorkflowRun | None:
        run_id = self.selected_run_id()
        return next((r for r in self._runs if r.id == run_id), None)

    def selected_url(self) -> str | None:
        run = self._selected_run()
        return run.html_url if run else None

    selected_copy = selected_url

    def focus_filter(self) -> bool:
        self.query_one("#runs-filter", Input).focus()
        return True
