"""Columns sized by content: where the line has room no value is cut (asserted on the screen's cells,
not on a picture); at 80 columns the columns that matter most stay whole."""

from __future__ import annotations

import pytest

from console.ui.keys import VIEWS
from console.ui.widgets.columns import Col, fit
from console.ui.widgets.tables import RowTable
from tests.ui.helpers import loaded, screen_text, settle

# The ones the issue names (job names, logins, ages) must fit at 132 columns.
WIDE = (132, 36)


def shown_tables(app) -> list[RowTable]:
    return [t for t in app.screen.query(RowTable) if t.display and t.region.width and t.region.height]


def room(table: RowTable) -> int:
    return table.scrollable_content_region.width - 2 * table.cell_padding * len(table.cols)


def cell_lines(table: RowTable, row: int) -> list[str]:
    return [line for cell in table.get_row_at(row) for line in getattr(cell, "plain", str(cell)).split("\n")
            if line.strip()]


@pytest.mark.parametrize("size", [(80, 24), WIDE])
@pytest.mark.parametrize("view", VIEWS)
async def test_no_value_is_cut_where_the_line_has_room(read_only_console_app, view, size):
    app, _ = read_only_console_app()
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        app.action_view(view)
        await settle(pilot)
        text = screen_text(app)
        lines = text.splitlines()
        for table in shown_tables(app):
            widths = [c.width for c in table.columns.values()]
            fits = sum(table.natural) <= room(table)
            if size == WIDE:
                assert fits, (view, table.id, table.natural, room(table))
            # Whole: as wide as its widest value and inside the view (at 80 columns the last ones may
            # scroll off sideways once every column is at its minimum).
            edges = [sum(widths[: i + 1]) + 2 * table.cell_padding * (i + 1) for i in range(len(widths))]
            inside = table.scrollable_content_region.width
            whole = [w >= n and edge <= inside for w, n, edge in zip(widths, table.natural, edges)]
            if fits:
                assert all(whole), (view, table.id, widths, table.natural)
            top = table.region.y + 2  # border and header
            shown = table.region.intersection(app.screen.find_widget(table).clip)  # a view scrolls: rows below it are not on screen
            visible = [r for r in range(table.row_count) if top + r < min(shown.bottom, table.region.bottom - 1)][:5]
            for row in visible:
                cells = table.get_row_at(row)
                for cell, is_whole in zip(cells, whole):
                    for line in getattr(cell, "plain", str(cell)).split("\n"):
                        if is_whole and line.strip():
                            assert any(line in screen_line for screen_line in lines), (view, table.id, line)


def test_the_lowest_priority_gives_way_first_and_the_growing_column_takes_the_rest():
    cols = [Col("Status", 9, 9), Col("Title", 10, 4, grow=True), Col("Actor", 8, 3)]
    assert fit(cols, [9, 30, 19], 80) == [9, 52, 19]  # room: every value whole, the title grows
    assert fit(cols, [9, 30, 19], 50) == [9, 30, 11]  # short: the actor (priority 3) gives way first
    assert fit(cols, [9, 30, 19], 30) == [9, 13, 8]  # then the title, each down to its minimum
