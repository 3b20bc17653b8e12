"""Audit log screen: every recorded action, newest first; the highlighted record in full below."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from console.actions.audit import AuditLog, AuditRecord
from console.actions.render import audit_action, audit_change, audit_where, cell, outcome_style, short_time
from console.ui.typed import console_of
from console.ui.widgets.footer import KeyFooter
from console.ui.widgets.tables import TextTable


def detail(record: AuditRecord) -> Text:
    """The record's recorded fields, one per line (empty ones left out; the file keeps them all)."""
    text = Text()
    for name, value in asdict(record).items():
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):  # one item a line, under the first (digests are long)
            value = ("\n" + " " * 13).join(json.dumps(v, sort_keys=True) if isinstance(v, dict) else str(v)
                                           for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, sort_keys=True)
        text.append(f"{name:>12} ", style="bold").append(f"{value}\n")
    text.rstrip()
    return cell(text)


class AuditScreen(Screen):
    DEFAULT_CSS = """
    AuditScreen .title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    AuditScreen #detail { height: auto; max-height: 45%; border: round $panel; overflow-y: auto; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("r", "reload", "Reload")]
    LIMIT = 500

    def compose(self) -> ComposeResult:
        yield Static("Audit log", classes="title")
        yield TextTable(id="records", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # What happened first (at 80 columns the last ones scroll): who and which run come last.
        table.add_columns("time (UTC)", "action", "outcome", "where", "change", "user", "run")
        self.action_reload()

    def action_reload(self) -> None:
        self.log_file = AuditLog.for_settings(console_of(self).settings)
        self.records = self.log_file.read(limit=self.LIMIT)
        table = self.query_one(DataTable)
        table.clear()
        for r in self.records:
            table.add_row(short_time(r.time), audit_action(r), Text(r.outcome, style=outcome_style(r.outcome)),
                          audit_where(r), audit_change(r), r.user or r.local_user or "-", str(r.run_id or "-"))
        if not self.records:
            self.query_one("#detail", Static).update(cell(f"No actions recorded yet ({self.log_file.path})."))
        table.focus()

    @on(DataTable.RowHighlighted)
    def _show(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.records):
            record = self.records[event.cursor_row]
            self.query_one("#detail", Static).update(detail(record))

    def action_close(self) -> None:
        self.dismiss()
