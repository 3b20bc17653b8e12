"""`?`: every key the console answers to, where it works and its binding id, after the user's remapping.
Derived from the action registry (console/ui/keys.py), like the footer, the palette and the README."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.actions.render import cells
from console.ui.keys import help_rows
from console.ui.typed import console_of


def help_table(keymap: dict[str, str], display: Callable[[str], str]) -> Table:
    table = Table(box=None, padding=(0, 2, 0, 0), expand=True, header_style="bold")
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("what", ratio=1)
    table.add_column("where", style="italic", max_width=22)
    table.add_column("id", style="dim", no_wrap=True)  # the binding id, for the config file's [keys] table
    for row in help_rows(keymap, display):
        table.add_row(*cells(*row))
    return table


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        keymap = console_of(self).settings.keys
        display = lambda key: self.app.get_key_display(Binding(key, ""))  # noqa: E731
        with VerticalScroll(id="help"):
            yield Static(help_table(keymap, display))
            yield Static("Runs filter: words match anything; workflow:cd branch:main status:failed actor:NAME "
                         "event:push narrow one field. Remap a key in the config file: [defaults.keys] "
                         "<id> = \"<key>\" (ids in the right column). Esc closes.", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Keys"
