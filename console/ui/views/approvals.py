"""Approvals: every deployment waiting for a reviewer, with wait timers and who may approve."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from console.model import Snapshot
from console.ui.prepare import Prepared
from console.ui.typed import console_of
from console.ui.views.base import View
from console.ui.views.overview import APPROVAL_COLUMNS, approvals_rows
from console.ui.widgets.tables import replace_rows, row_table, selected_key


class ApprovalsView(View):
    title = "Approvals"

    def compose(self) -> ComposeResult:
        yield Static("Nothing is waiting for approval. A CD run waits here after a v* tag is pushed; "
                     "you get a notification when one arrives.", id="approvals-empty", classes="empty")
        table = row_table(*APPROVAL_COLUMNS, id="approvals-all")
        table.border_title = "Pending approvals"
        yield table

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        self.set_class(not snapshot.approvals, "-empty")
        self._urls = {str(run.id): run.html_url for run, _ in snapshot.approvals}
        replace_rows(self.query_one("#approvals-all", DataTable), approvals_rows(snapshot, now))

    @on(DataTable.RowSelected, "#approvals-all")
    def _open(self, event: DataTable.RowSelected) -> None:
        console_of(self).open_run(int(str(event.row_key.value).split(":")[0]))

    def selected_run_id(self) -> int | None:
        key = selected_key(self.query_one("#approvals-all", DataTable))
        return int(key.split(":")[0]) if key else None

    def selected_url(self) -> str | None:
        run_id = self.selected_run_id()
        return self._urls.get(str(run_id)) if run_id else None

    selected_copy = selected_url
