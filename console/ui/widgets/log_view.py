"""A job log: scrollable, searchable, opened at the failed step. Line API, so long logs stay cheap."""

from __future__ import annotations

import re

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.model.text import plain
from console.ui.keys import LISTS, bindings_for

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z ")
ERROR = re.compile(r"##\[error\]|\berror\b|\bfailed\b|\bFAILED\b|Traceback", re.IGNORECASE)
GROUP = "##[group]"


ENDGROUP = "##[endgroup]"


def clean(text: str) -> list[str]:
    """Lines without GitHub's timestamp prefix (the column wastes a third of an 80-column screen),
    without colour and hyperlink sequences, other control characters shown (console/model/text.py),
    and without ``##[endgroup]`` markers (GitHub's viewer hides them; ``##[group]`` lines become headings)."""
    lines = (plain(TIMESTAMP.sub("", line).replace("\t", "    "), sequences="strip") for line in text.splitlines())
    return [line for line in lines if not line.startswith(ENDGROUP)]


def failure_line(lines: list[str], step_name: str | None = None) -> int | None:
    """Where to open the log: the start of the failed step's section, else the first error line."""
    first_error = next((i for i, line in enumerate(lines) if ERROR.search(line)), None)
    if step_name:
        wanted = step_name.lower()
        for i, line in enumerate(lines):
            if line.startswith(GROUP) and wanted in line.lower():
                return i
    if first_error is None:
        return None
    group = next((i for i in range(first_error, -1, -1) if lines[i].startswith(GROUP)), None)
    return group if group is not None else first_error


class LogView(ScrollView, can_focus=True):
    BINDINGS = bindings_for(LISTS)
    DEFAULT_CSS = "LogView { height: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []
        self.matches: list[int] = []
        self.match_index = -1
        self.term = ""
        self.marked: int | None = None  # the failed step's first line

    def set_text(self, text: str, failed_step: str | None = None) -> None:
        self.lines = clean(text)
        self.virtual_size = Size(max((len(line) for line in self.lines), default=0) + 7, len(self.lines))
        self.marked = failure_line(self.lines, failed_step) if failed_step is not None or self.lines else None
        self.search(self.term)
        if self.marked is not None:
            self.call_after_refresh(self.jump, self.marked)  # after layout knows the new height
        self.refresh()

    # The registry's list actions: a log scrolls where a table moves its cursor.
    def action_cursor_up(self) -> None:
        self.scroll_up(animate=False)

    def action_cursor_down(self) -> None:
        self.scroll_down(animate=False)

    def action_scroll_top(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_bottom(self) -> None:
        self.scroll_end(animate=False)

    def jump(self, line: int) -> None:
        self.scroll_to(y=max(line - 1, 0), animate=False, immediate=True)

    def search(self, term: str) -> int:
        """Highlight lines containing ``term`` (case-insensitive); returns the number of matches."""
        self.term = term.lower()
        self.matches = [i for i, line in enumerate(self.lines) if self.term and self.term in line.lower()]
        self.match_index = -1
        self.refresh()
        return len(self.matches)

    def next_match(self, step: int = 1) -> int | None:
        if not self.matches:
            return None
        top = round(self.scroll_y)
        if self.match_index < 0:
            ahead = [i for i, line in enumerate(self.matches) if line >= top]
            self.match_index = ahead[0] if ahead and step > 0 else (0 if step > 0 else len(self.matches) - 1)
        else:
            self.match_index = (self.match_index + step) % len(self.matches)
        line = self.matches[self.match_index]
        self.jump(line)
        self.refresh()
        return line

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + round(self.scroll_y)
        base = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, base)
        line = self.lines[index]
        style = base
        if line.startswith(GROUP):
            line = "▸ " + line[len(GROUP):]
            style = base + Style(bold=True)
        elif ERROR.search(line):
            style = base + Style(color="red")
        if index in self.matches:
            current = self.match_index >= 0 and self.matches[self.match_index] == index
            style = style + Style(bgcolor="yellow" if current else "grey30", color="black" if current else None)
        gutter_style = base + Style(dim=True)
        gutter = "▶" if index == self.marked else " "
        strip = Strip([Segment(f"{index + 1:>5}{gutter}", gutter_style), Segment(line, style)])
        return strip.crop_extend(round(self.scroll_x), round(self.scroll_x) + width, base)
