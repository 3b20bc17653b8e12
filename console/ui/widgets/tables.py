"""Row tables for the views (tens of rows, not thousands): columns sized by their content and
priorities (widgets/columns.py), and row replacement that keeps the cursor."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from console.actions.render import cell
from console.ui.keys import LISTS, bindings_for
from console.ui.widgets.columns import Col, as_col, fit, natural_widths

Cells = Sequence[RenderableType]  # one row (a str or Text cell is data: TextTable)


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
    """A row-cursor DataTable whose columns take their content's width when the line has room; when it
    has not, the lowest-priority columns give up width first (console/ui/widgets/columns.py)."""

    def __init__(self, *columns: Col | tuple, id: str | None = None, min_flex: int = 8) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.cols = [as_col(c) for c in columns]
        if min_flex != 8:  # the growing column's own minimum (older callers)
            self.cols = [replace(c, min=min_flex) if c.grow else c for c in self.cols]
        self.natural = [len(c.label) for c in self.cols]
        for col in self.cols:
            self.add_column(col.label, width=max(col.min, len(col.label)), key=col.label)

    def measure(self, rows: Iterable[Cells]) -> None:
        """Natural widths from the rows just added (replace_rows calls this)."""
        self.natural = natural_widths(self.cols, rows)
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        if not self.size.width:
            return
        # The vertical scrollbar is counted from the rows, not read from the layout: the layout adds it
        # after this runs, and no resize follows, so reading it made the widths depend on timing.
        content = self.content_region
        rows_height = sum(row.height for row in self.rows.values()) + (self.header_height if self.show_header else 0)
        bar = self.styles.scrollbar_size_vertical if rows_height > content.height else 0
        room = content.width - bar - 2 * self.cell_padding * len(self.cols)
        changed = False
        for column, width in zip(self.columns.values(), fit(self.cols, self.natural, room)):
            if column.width != width:
                column.width = width
                changed = True
        if changed:
            # DataTable has no public "column resized" hook: these are what add_column sets.
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()


def row_table(*columns: Col | tuple, id: str | None = None, min_flex: int = 8) -> RowTable:
    return RowTable(*columns, id=id, min_flex=min_flex)


def selected_key(table: DataTable) -> str | None:
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # the cursor can point past a table that just shrank
        return None


def replace_rows(table: DataTable, rows: Iterable[tuple[str, Cells]], height: int = 1) -> None:
    """Swap all rows, keeping the cursor on the same row key when it still exists."""
    keep = selected_key(table)
    table.clear()
    index = 0
    added: list[Cells] = []
    for i, (key, cells) in enumerate(rows):
        table.add_row(*cells, key=key, height=height)
        added.append(cells)
        if key == keep:
            index = i
    if isinstance(table, RowTable):
        table.measure(added)
    if table.row_count:
        table.move_cursor(row=index, animate=False)


def update_rows(table: DataTable, rows: Iterable[tuple[str, Sequence[Any]]]) -> None:
    """Live data: when the same row keys come back in the same order, only the cells that changed are
    rewritten (cursor, scroll and the rest of the table stay as they are); else ``replace_rows``."""
    rows = list(rows)
    if [row.key.value for row in table.ordered_rows] != [key for key, _ in rows]:
        replace_rows(table, rows)
        return
    for index, (_, cells) in enumerate(rows):
        shown = table.get_row_at(index)
        for column, value in enumerate(cells):
            value = cell(value) if isinstance(value, (str, Text)) else value
            if shown[column] != value:
                table.update_cell_at(Coordinate(index, column), value)
    if isinstance(table, RowTable):
        table.measure([cells for _, cells in rows])
