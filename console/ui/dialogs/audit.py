"""Audit log screen: every recorded action, newest first; the highlighted record in full below."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from console.actions.audit import AuditLog
from console.actions.render import audit_action, audit_change, audit_where, outcome_style, short_time


class AuditScreen(Screen):
    DEFAULT_CSS = """
    AuditScreen .title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    AuditScreen DataTable { height: 1fr; }
    AuditScreen #detail { height: auto; max-height: 14; border: round $panel; overflow-y: auto; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("r", "reload", "Reload")]
    LIMIT = 500

    def compose(self) -> ComposeResult:
        yield Static("Audit log", classes="title")
        yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("time (UTC)", "user", "action", "where", "change", "run", "outcome")
        self.action_reload()

    def action_reload(self) -> None:
        self.log_file = AuditLog.for_settings(self.app.settings)  # type: ignore[attr-defined]
        self.records = self.log_file.read(limit=self.LIMIT)
        table = self.query_one(DataTable)
        table.clear()
        for r in self.records:
            table.add_row(short_time(r.time), r.user or r.local_user or "-", audit_action(r), audit_where(r), audit_change(r),
                          str(r.run_id or "-"), Text(r.outcome, style=outcome_style(r.outcome)))
        if not self.records:
            self.query_one("#detail", Static).update(f"No actions recorded yet ({self.log_file.path}).")
        table.focus()

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.records):
            record = self.records[event.cursor_row]
            self.query_one("#detail", Static).update(Text(json.dumps(asdict(record), indent=1)))

    def action_close(self) -> None:
        self.dismiss()
