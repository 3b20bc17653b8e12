"""A read-only table that renders only the rows on screen (Line API).

Why not DataTable: building a 10,000-row DataTable takes about a second, and rebuilding it on every
filter keystroke would freeze the console (measured with Pilot). Here the rows are plain tuples;
filtering swaps a list and repaints the visible lines, so key-to-repaint stays flat as data grows.
``lines_rendered`` counts painted row lines: the regression guard in tests/ui asserts it stays
bounded by the viewport, not by the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.actions.render import cell as as_data
from console.model.text import plain
from console.ui.keys import LISTS, bindings_for


@dataclass(frozen=True)
class Column:
    label: str
    width: int = 0  # 0: takes the room left over (one flexible column per table)
    justify: str = "left"


@dataclass(frozen=True)
class Row:
    cells: tuple[Text | str, ...]
    key: Any = None
    search: str = ""  # lower-case text the filter matches against
    group: str | None = None  # the group this row belongs to (a group header has header=True)
    header: bool = False


@dataclass
class _Group:
    header: Row
    rows: list[Row] = field(default_factory=list)


class VirtualTable(ScrollView, can_focus=True):
    """Rows grouped under header rows; `filter_text` keeps groups whose rows match every term."""

    BINDINGS = bindings_for(LISTS)
    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor", "virtual-table--group"}
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; color: $text; }
    VirtualTable > .virtual-table--group { text-style: bold; color: $accent; }
    VirtualTable > .virtual-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    VirtualTable:blur > .virtual-table--cursor { background: $block-cursor-blurred-background; }
    """

    cursor = reactive(0, always_update=True)

    def __init__(self, columns: list[Column], *, id: str | None = None, classes: str | None = None,
                 noun: tuple[str, str] = ("row", "rows")) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.noun = noun  # a group header reads "<group> · 3 of 32 <plural>"
        self._headers: dict[tuple, Row] = {}  # counted group headers, kept so cached paints stay valid
        self._groups: list[_Group] = []
        self._visible: list[Row] = []
        self._terms: tuple[str, ...] = ()
        self._count = 0
        self.lines_rendered = 0  # row lines painted since the last reset (regression guard)
        # Painted rows by (row, width, scroll, cursor?): scrolling back or retyping a filter repaints from here.
        self._strips: LRUCache[tuple, Strip] = LRUCache(2000)
        self._styles: dict[str, Style] = {}
        # Filter results by terms. Typing narrows: "v1.2" searches only what "v1." matched, and
        # backspace returns to a result already computed.
        self._matches: LRUCache[tuple[str, ...], list[list[Row]]] = LRUCache(64)

    # --- data ----------------------------------------------------------------------------------

    def set_rows(self, rows: list[Row]) -> None:
        """Replace the data (header rows start groups); keeps the cursor on the same key if it exists."""
        current = self.cursor_row
        groups: list[_Group] = []
        for row in rows:
            if row.header or not groups:
                groups.append(_Group(row if row.header else Row(("",), header=True)))
                if row.header:
                    continue
            groups[-1].rows.append(row)
        self._groups = groups
        self._matches.clear()
        self._headers.clear()
        self._strips.clear()  # new row objects: cached paints are keyed by the old ones
        self._refilter(keep=current.key if current else None)

    def set_filter(self, text: str) -> None:
        terms = tuple(text.lower().split())
        if terms != self._terms:
            self._terms = terms
            self._refilter(keep=None)

    @property
    def row_count(self) -> int:
        """Data rows shown after filtering (group headers not counted)."""
        return self._count

    @property
    def visible_rows(self) -> list[Row]:
        return self._visible

    @property
    def cursor_row(self) -> Row | None:
        return self._visible[self.cursor] if 0 <= self.cursor < len(self._visible) else None

    def _matched(self, terms: tuple[str, ...]) -> list[list[Row]]:
        """Per group, the rows matching every term."""
        if not terms:
            return [group.rows for group in self._groups]
        found = self._matches.get(terms)
        if found is None:
            # Any earlier result whose every term is inside one of the new terms holds all new matches.
            bases = [m for t in list(self._matches.keys())
                     if all(any(o in n for n in terms) for o in t) and (m := self._matches.get(t)) is not None]
            base = min(bases, key=lambda m: sum(map(len, m)), default=[g.rows for g in self._groups])
            found = [[r for r in rows if all(t in r.search for t in terms)] for rows in base]
            self._matches[terms] = found
        return found

    def _refilter(self, keep: Any) -> None:
        terms = self._terms
        visible: list[Row] = []
        count = 0
        for group, matched in zip(self._groups, self._matched(terms)):
            if matched or not terms:
                visible.append(self._counted(group.header, len(matched), len(group.rows), bool(terms)))
                visible.extend(matched)
                count += len(matched)
        self._visible = visible
        self._count = count
        index = next((i for i, r in enumerate(visible) if r.key == keep), None) if keep is not None else None
        if index is None:
            index = next((i for i, r in enumerate(visible) if not r.header), 0)
        self.virtual_size = Size(self._min_width(), len(visible) + 1)
        self.cursor = min(index, max(len(visible) - 1, 0))
        self.refresh()

    def _counted(self, header: Row, shown: int, total: int, filtered: bool) -> Row:
        """The group header with its count: every row, or how many of them the filter keeps."""
        key = (id(header), shown, total, filtered)
        row = self._headers.get(key)
        if row is None:
            noun = self.noun[0] if total == 1 else self.noun[1]
            count = f"{shown:,} of {total:,} {noun}" if filtered else f"{total:,} {noun}"
            label = f"{header.cells[0]} · {count}" if header.cells[0] else count
            row = self._headers[key] = Row((label,), key=header.key, search=header.search, group=header.group,
                                           header=True)
        return row

    def _min_width(self) -> int:
        return sum(c.width or 16 for c in self.columns) + len(self.columns)

    # --- cursor --------------------------------------------------------------------------------

    def watch_cursor(self, cursor: int) -> None:
        # Keep the cursor inside the viewport (line 0 is the sticky header).
        body = max(self.size.height - 1, 1)
        top = round(self.scroll_y)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + body:
            self.scroll_to(y=cursor - body + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        if self._visible:
            self.cursor = max(0, min(self.cursor + delta, len(self._visible) - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(self.size.height - 2, 1))

    def action_jump(self, index: int) -> None:
        if self._visible:
            self.cursor = index if index >= 0 else len(self._visible) - 1

    # The registry's list actions (the same names as DataTable's).
    def action_cursor_up(self) -> None:
        self.action_cursor(-1)

    def action_cursor_down(self) -> None:
        self.action_cursor(1)

    def action_page_up(self) -> None:
        self.action_page(-1)

    def action_page_down(self) -> None:
        self.action_page(1)

    def action_scroll_top(self) -> None:
        self.action_jump(0)

    def action_scroll_bottom(self) -> None:
        self.action_jump(-1)

    def on_click(self, event: Click) -> None:
        line = event.y + round(self.scroll_y) - 1
        if 0 <= line < len(self._visible) and event.y > 0:
            self.cursor = line

    def on_resize(self) -> None:
        self.cursor = self.cursor  # re-clamp the viewport

    # --- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    def _style(self, component: str) -> Style:
        style = self._styles.get(component)
        if style is None:
            style = self._styles[component] = self.get_component_rich_style(component)
        return style

    def _widths(self, total: int) -> list[int]:
        fixed = sum(c.width for c in self.columns) + len(self.columns) - 1
        flexible = sum(1 for c in self.columns if not c.width) or 1
        spare = max(total - fixed, 8 * flexible)
        return [c.width or spare // flexible for c in self.columns]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x = round(self.scroll_x)
        base = self._styles.get("base") or self._styles.setdefault("base", self.rich_style)
        if y == 0:
            style = self._style("virtual-table--header")
            cells: tuple[Text | str, ...] = tuple(c.label for c in self.columns)
            return self._strip(cells, style, width, scroll_x, header=True)
        index = y - 1 + round(self.scroll_y)
        if index >= len(self._visible):
            return Strip.blank(width, base)
        self.lines_rendered += 1
        row = self._visible[index]
        on_cursor = index == self.cursor
        key = (id(row), width, scroll_x, on_cursor)
        strip = self._strips.get(key)
        if strip is not None:
            return strip
        style = base
        if row.header:
            style = base + self._style("virtual-table--group")
        if on_cursor:
            style = style + self._style("virtual-table--cursor")
        if row.header:
            strip = Strip([Segment(" " + plain(row.cells[0]) + " " * width, style)]).crop(0, width)
        else:
            strip = self._strip(row.cells, style, width, scroll_x)
        self._strips[key] = strip
        return strip

    def _strip(self, cells: tuple[Text | str, ...], style: Style, width: int, scroll_x: int, header: bool = False) -> Strip:
        widths = self._widths(width)
        segments: list[Segment] = []
        for column, cell, cell_width in zip(self.columns, cells, widths):
            text = as_data(cell)  # a copy: truncated and padded below
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            if column.justify == "right":
                text.rstrip()
                text.pad_left(cell_width - text.cell_len)
            segments.append(Segment(" ", style))
            segments.extend(
                Segment(seg.text, style + seg.style if seg.style and not header else style)
                for seg in text.render(self.app.console)
                if seg.text != "\n"
            )
        strip = Strip(segments)
        return strip.crop_extend(scroll_x, scroll_x + width, style)
