"""Small terminals: borderless one-row controls, so a plan and its buttons both fit at 80x24."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from textual.screen import Screen
from textual.widgets import Button, Input, Select

COMPACT_BELOW = 32  # terminal rows; a bordered Input, Select or Button takes three


def compact_controls(screen: Screen) -> None:
    """Call from a screen's on_resize: compact below COMPACT_BELOW rows, bordered above."""
    compact = screen.app.size.height < COMPACT_BELOW
    controls: list[Button | Input | Select[object]] = [*screen.query(Button), *screen.query(Input), *screen.query(Select)]
    for widget in controls:
        widget.compact = compact


def fit_columns(preview: RenderableType) -> RenderableType:
    """Let every column of the preview's tables wrap at word boundaries: on a narrow screen the from/to
    cells take an extra line instead of one column being crushed to a letter per line."""
    for table in preview.renderables if isinstance(preview, Group) else [preview]:
        if isinstance(table, Table):
            for column in table.columns:
                column.no_wrap = False
    return preview
