"""Row tables for the views (tens of rows, not thousands): fixed columns plus one flexible column
that takes the room a large terminal offers, and row replacement that keeps the cursor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from console.actions.render import cell

from console.ui.keys import LISTS, bindings_for

class ListTable(DataTable):
    """A DataTable that answers to the registry's list keys: j k g G as well as the arrows."""

    BINDINGS = bindings_for(LISTS)


class TextTable(ListTable):
    """A DataTable whose cells are data: a str cell is not read as markup (DataTable would) and
    control characters in any cell are shown, not sent to the terminal (console/model/text.py)."""

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None, label: Any = None) -> RowKey:
        return super().add_row(*(cell(c) if isinstance(c, (str, Text)) else c for c in cells),
                               height=height, key=key, label=label)


class RowTable(TextTable):
    """A row-cursor DataTable whose one width-0 column fills the width left by the fixed ones."""

    def __init__(self, *columns: tuple[str, int], id: str | None = None, min_flex: int = 8) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.flex_key: str | None = None
        self.min_flex = min_flex  # below this the columns after the flexible one scroll off instead
        for label, width in columns:
            if width:
                self.add_column(label, width=width, key=label)
            else:
                self.add_column(label, width=10, key=label)
                self.flex_key = label

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        if self.flex_key is None or not self.size.width:
            return
        padding = 2 * self.cell_padding
        fixed = sum(c.width + padding for k, c in self.columns.items() if k.value != self.flex_key)
        room = self.scrollable_content_region.width - fixed - padding
        column = self.columns[self.flex_key]  # type: ignore[index]
        width = max(room, len(self.flex_key), self.min_flex)
        if column.width != width:
            column.width = width
            # DataTable has no public "column resized" hook: these are what add_column sets.
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()


def row_table(*columns: tuple[str, int], id: str | None = None, min_flex: int = 8) -> RowTable:
    return RowTable(*columns, id=id, min_flex=min_flex)


def selected_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # the cursor can point past a table that just shrank
        return None


def replace_rows(table: DataTable, rows: Iterable[tuple[str, Sequence[Any]]], height: int = 1) -> None:
    """Swap all rows, keeping the cursor on the same row key when it still exists."""
    keep = selected_key(table)
    table.clear()
    index = 0
    for i, (key, cells) in enumerate(rows):
        table.add_row(*cells, key=key, height=height)
        if key == keep:
            index = i
    if table.row_count:
        table.move_cursor(row=index, animate=False)
