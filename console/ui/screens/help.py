"""`?`: every key the console answers to, after the user's remapping."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.actions.render import cells
from console.ui.keys import APP_BINDINGS, HELP_NOTES, TABLE_KEYS, key_for


def help_table(keymap: dict[str, str], extra: list[Binding]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold cyan", min_width=6, max_width=10)  # "Tab / Shift+Tab" wraps, not the text
    table.add_column(ratio=1)
    table.add_column(style="dim", no_wrap=True)  # the binding id, for the config file's [keys] table
    for binding in [*APP_BINDINGS, *extra]:
        table.add_row(*cells(key_for(binding, keymap), HELP_NOTES.get(binding.id or "", binding.description), binding.id))
    for keys, what in TABLE_KEYS:
        table.add_row(*cells(keys, what, ""))
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        from console.ui.screens.run_detail import RunDetailScreen

        keymap = self.app.settings.keys  # type: ignore[attr-defined]
        with VerticalScroll(id="help"):
            yield Static(help_table(keymap, RunDetailScreen.BINDINGS))
            yield Static("Runs filter: words match anything; workflow:cd branch:main status:failure actor:NAME "
                         "narrow one field. Remap a key in the config file: [defaults.keys] <id> = \"<key>\" "
                         "(ids in the right column). Esc closes.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Keys"
