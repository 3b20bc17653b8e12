"""Modal boxes sized to their content: as wide as their widest plan or table (within the terminal),
as tall as what they show; the parts that scroll share whatever height the rest leaves.

Textual's ``width: auto`` does not measure through scroll containers, and ``1fr`` means nothing in
an ``height: auto`` box, so the box's width and its scrollers' heights are set here, after a layout.
"""

from __future__ import annotations

from textual.containers import Horizontal
from textual.geometry import Size
from textual.widget import Widget

SIZES_BOX = "sizes-box"  # class of the widgets whose content sets the box's width
SCROLLS = "scrolls"  # class of the parts that scroll when the terminal is short
MIN_SCROLL = 3  # rows a scroller keeps however short the terminal
SCROLLBAR = 2  # columns a vertical scrollbar takes


def natural_width(widget: Widget, limit: int) -> int:
    """Columns ``widget`` needs to show its content whole (a row of controls: all of them side by side)."""
    if isinstance(widget, Horizontal):
        return sum(natural_width(child, limit) + child.styles.margin.width for child in widget.children
                   if child.display)
    bound = Size(limit, 1000)
    width = widget.get_content_width(bound, bound) + widget.styles.gutter.width
    minimum = widget.styles.min_width
    if minimum is not None and minimum.is_cells:
        width = max(width, int(minimum.value))
    scrolls = widget.has_class(SCROLLS) or (isinstance(widget.parent, Widget) and widget.parent.has_class(SCROLLS))
    return width + (SCROLLBAR if scrolls else 0)


def fit_width(box: Widget, screen_width: int, minimum: int, margin: int = 2) -> int:
    """Set ``box``'s width to its widest ``.sizes-box`` content, between ``minimum`` and the screen."""
    most = max(screen_width - margin, 20)
    gutter = box.styles.gutter.width
    wanted = max([natural_width(w, most) for w in box.query(f".{SIZES_BOX}") if w.display] or [0])
    width = max(min(wanted + gutter, most), min(minimum, most))
    box.styles.width = width
    return width


def natural_height(widget: Widget) -> int:
    """Rows ``widget`` would take if it did not scroll, measured from its content at its width (its
    virtual size may not be laid out yet when the content has just changed)."""
    width = max(widget.content_region.width - SCROLLBAR, 1)
    bound = Size(width, 10_000)
    if widget.children:
        inner = sum(child.get_content_height(bound, bound, width - child.styles.gutter.width)
                    + child.styles.gutter.height for child in widget.children if child.display)
    else:
        inner = widget.get_content_height(bound, bound, width)
    return inner + widget.styles.gutter.height


def fit_heights(box: Widget, room: int) -> None:
    """Share the rows the box's fixed parts leave among its ``.scrolls`` parts, in proportion to what
    each would show; a part that fits whole gets no more than it needs."""
    scrollers = [w for w in box.children if w.has_class(SCROLLS) and w.display]
    fixed = sum(w.outer_size.height + w.styles.margin.height for w in box.children
                if w.display and w not in scrollers)
    left = room - box.styles.gutter.height - fixed
    wants = {w: natural_height(w) for w in scrollers}
    remaining = sorted(scrollers, key=lambda w: wants[w])  # the smallest first: what it leaves goes on
    while remaining:
        widget = remaining.pop(0)
        share = max(MIN_SCROLL, left // (len(remaining) + 1))
        given = min(wants[widget], share)
        widget.styles.max_height = given
        left -= given
