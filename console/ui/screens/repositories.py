"""The Repositories view (several repositories loaded): the deployments waiting on you across all of
them on top, then one row per repository. Enter goes into that repository's views; 0 comes back.

It draws what console/services/fleet.py summarised (console/model/repo_summary.py): no logic here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from console.model.format import ago
from console.model.repo_summary import Waiting
from console.services.fleet import Member
from console.ui.format import HEADER_ICON
from console.ui.keys import BY_ID, key_display, keys_of
from console.ui.widgets.columns import Col
from console.ui.widgets.footer import KeyFooter
from console.ui.widgets.tables import Cells, replace_rows, row_table

if TYPE_CHECKING:
    from console.ui.repositories import RepositoriesApp

MINE_COLUMNS = (Col("Repository", 12, 9), Col("Run", 8, 8), Col("Ref", 8, 7), Col("To", 8, 6),
                Col("Waiting", 7, 5, grow=True))
REPO_COLUMNS = (Col("Repository", 12, 9), Col("Waiting", 7, 8), Col("Production", 14, 6),
                Col("Drift", 10, 5, grow=True), Col("Last CD", 12, 3), Col("Data", 8, 7))


def mine_rows(waiting: list[Waiting], now: datetime) -> Iterator[tuple[str, Cells]]:
    for w in waiting:
        yield f"{w.repo}\n{w.run_id}", (Text(w.repo, "bold"), w.run, w.ref, w.environment,
                                         ago(w.since, now) if w.since else "-")


def repo_rows(members: list[Member], current: str, now: datetime) -> Iterator[tuple[str, Cells]]:
    for member in members:
        summary = member.summary
        name = Text(member.repo, "bold")
        if member.repo == current:
            name.append(" ◂", "dim")  # the repository the numbered views show
        if summary is None:
            data = Text("⚠ no data", "bold red") if member.stale else Text("◌ loading…", "yellow")
            yield member.repo, (name, "", "", "", "", data)
            continue
        data = (Text(f"⚠ STALE ({ago(summary.fetched_at, now)})", "bold red") if member.stale
                else Text(f"● {ago(summary.fetched_at, now)}", "green"))
        waiting = Text(summary.waiting_label, "bold yellow" if summary.waiting else "dim")
        drift = Text(summary.drift_label, "yellow" if summary.drift else "green")
        yield member.repo, (name, waiting, summary.production_label, drift, summary.last_cd, data)


def _hint(keymap: dict[str, str]) -> Text:
    """How to move, in the keys the registry (after the config's remapping) gives them."""
    def key(binding_id: str) -> str:
        return key_display(keys_of(BY_ID[binding_id], keymap)[0])

    hint = Text(style="dim")
    for binding_id, what in (("list.select", "into the selected repository's views · "),
                             ("view.repositories", "back here from them · "), ("refresh", "read every repository now")):
        hint.append(key(binding_id), "bold")
        hint.append(f" {what}")
    return hint


def _console(screen: Screen) -> RepositoriesApp:
    return cast("RepositoriesApp", screen.app)


class RepositoriesScreen(Screen):
    """Only the console's data: it redraws when the app says a repository was read (``draw``)."""

    def compose(self) -> ComposeResult:
        yield Header(icon=HEADER_ICON)
        yield Static(id="repos-mine-title", classes="repos-title")
        yield row_table(*MINE_COLUMNS, id="repos-mine")
        yield Static("Repositories", classes="repos-title")
        yield row_table(*REPO_COLUMNS, id="repos-table")
        yield Static(id="repos-problems")
        yield Static(_hint(_console(self).settings.keys), id="repos-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"{len(_console(self).fleet.members)} repositories"
        self.draw()
        self.query_one("#repos-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.draw()

    def draw(self) -> None:
        app = _console(self)
        fleet, now = app.fleet, app.now()
        mine = fleet.waiting_on_you()
        title = self.query_one("#repos-mine-title", Static)
        title.update(Text(f"WAITING ON YOU ({len(mine)})", "bold yellow") if mine
                     else Text("Nothing waits for your review.", "dim"))
        table = self.query_one("#repos-mine", DataTable)
        table.display = bool(mine)
        replace_rows(table, mine_rows(mine, now))
        replace_rows(self.query_one("#repos-table", DataTable), repo_rows(fleet.members, app.settings.repo, now))
        problems = [Text.assemble((f"⚠ {m.repo}: ", "bold red"), m.stale) for m in fleet.members if m.stale]
        self.query_one("#repos-problems", Static).update(Text("\n").join(problems))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter: into that repository's views (an approval waiting on you: its Approvals view)."""
        key = event.row_key.value or ""
        repo, _, run_id = key.partition("\n")
        _console(self).enter_repository(repo, "approvals" if run_id else None)
