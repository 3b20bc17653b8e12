"""Column widths from content and priorities: what the row tables show at 80 columns and at 132+.

Every column wants its natural width (its widest cell or its label). When the line has room, each
gets it and the growing column (a title, a description) takes what is left, so nothing is cut. When
it has not, the columns of lowest priority give up width first, down to their minimum, and only
those values end in an ellipsis. Pure: the tables call ``fit`` on resize and on new rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text


@dataclass(frozen=True)
class Col:
    label: str
    min: int = 6  # narrowest it gets at 80 columns before the table scrolls sideways
    priority: int = 5  # 1..9: the lowest shrinks first when the line is short
    grow: bool = False  # takes the room left over once every column has its natural width


def as_col(spec: Col | tuple) -> Col:
    """``Col``, or the older ``(label, width)`` / ``(label, width, priority)``: width 0 grows."""
    if isinstance(spec, Col):
        return spec
    label, width, *rest = spec
    return Col(label, min=width or 8, priority=rest[0] if rest else 5, grow=not width)


def cell_width(value: object) -> int:
    text = value.plain if isinstance(value, Text) else str(value)
    return max((cell_len(line) for line in text.split("\n")), default=0)


def natural_widths(cols: Sequence[Col], rows: Iterable[Sequence[object]]) -> list[int]:
    widths = [cell_len(c.label) for c in cols]
    for cells in rows:
        for i, value in enumerate(cells[: len(widths)]):
            width = cell_width(value)
            if width > widths[i]:
                widths[i] = width
    return widths


def fit(cols: Sequence[Col], natural: Sequence[int], room: int) -> list[int]:
    """Widths (without padding) for ``room`` cells of content across all columns."""
    widths = list(natural)
    excess = sum(widths) - room
    if excess <= 0:
        growing = [i for i, c in enumerate(cols) if c.grow]
        for n, i in enumerate(growing):  # the spare room, shared by the growing columns
            widths[i] += -excess // len(growing) + (1 if n < -excess % len(growing) else 0)
        return widths
    # Lowest priority first; among equals the rightmost (what the eye reaches last).
    for i in sorted(range(len(cols)), key=lambda i: (cols[i].priority, -i)):
        cut = min(excess, max(widths[i] - min(cols[i].min, natural[i]), 0))
        widths[i] -= cut
        excess -= cut
        if excess <= 0:
            break
    return widths
