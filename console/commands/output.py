"""How the CLI prints for a person and for a pipe.

On a terminal, Rich tables fit the window. Through a pipe (or a file) Rich would squeeze them into 80
columns and cut values (`latest-minima…`, `v1.3│.0-m│inim│al`), so there the same tables come out as
plain aligned columns: every value whole, no colour, no box, one row per line — `grep`, `awk` and
`column` read them. `--json` stays the contract for scripts; diagnostics go to stderr.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from console.model.text import plain as plain_text

GAP = "  "


def to_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    return hasattr(stream, "isatty") and stream.isatty()


def show(*renderables: RenderableType, stream: TextIO | None = None) -> None:
    """Print Rich renderables: as they are on a terminal, as plain text through a pipe."""
    stream = stream or sys.stdout
    if to_terminal(stream):
        console = Console(file=stream)
        for renderable in renderables:
            console.print(renderable)
        return
    for renderable in renderables:
        stream.write(plain(renderable) + "\n")


def say(message: str) -> None:
    """A diagnostic (a path, a warning, a hint): stderr, so a pipe carries only the data (control
    characters shown, never sent to the terminal)."""
    sys.stderr.write(plain_text(message, lines=True) + "\n")


def plain(renderable: RenderableType) -> str:
    if isinstance(renderable, Table):
        return plain_table(renderable)
    if isinstance(renderable, Group):
        return "\n".join(plain(part) for part in renderable.renderables)
    if isinstance(renderable, Text):
        return renderable.plain
    return str(renderable)


def _cell(value: object) -> str:
    """One line per cell: a multi-line cell (digest over version) joins with ' · '."""
    text = value.plain if isinstance(value, Text) else str(value)
    return " · ".join(line.strip() for line in text.splitlines() if line.strip())


def plain_table(table: Table) -> str:
    headers = [_cell(column.header) for column in table.columns]
    columns = [[_cell(cell) for cell in column.cells] for column in table.columns]
    rows = [list(row) for row in zip(*columns)] if columns else []
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    lines = []
    if table.title:
        lines.append(_cell(table.title))
    for row in [headers, *rows]:
        lines.append(GAP.join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)
