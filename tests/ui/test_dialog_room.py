"""The action dialogs at 80x24 and 132x36 (the scenarios of console/ui/scenarios.py): the box is as
wide as its plan wherever the terminal has that room, and no value in it is cut — asserted on the
screen's cells: no ellipsis, and every word of the plan's cells on screen whole."""

from __future__ import annotations

import re

import pytest
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import SelectionList, Static

from console.ui.dialogs.base import ActionScreen
from console.ui.dialogs.fit import SIZES_BOX, natural_width
from console.ui.scenarios import SCENARIOS, Scenario
from tests.ui.helpers import screen_text

DIALOGS = [s for s in SCENARIOS if s.name.startswith(("rollback", "cancel", "approve", "prune"))]


def words_of(renderable) -> list[str]:
    """Every word of a plan as drawn: a table's cells, a group's parts, a text."""
    if isinstance(renderable, Group):
        return [w for part in renderable.renderables for w in words_of(part)]
    if isinstance(renderable, Table):
        return [w for column in renderable.columns for c in column.cells for w in words_of(c)]
    if isinstance(renderable, Text | str):
        return str(renderable).split()
    return []


def plan_words(screen: ActionScreen) -> list[str]:
    words = [w for static in screen.query(f"Static.{SIZES_BOX}").results(Static) for w in words_of(static.content)]
    for items in screen.query(SelectionList):
        words += [w for i in range(items.option_count) for w in words_of(items.get_option_at_index(i).prompt)]
    return words


@pytest.mark.parametrize("scenario", DIALOGS, ids=lambda s: f"{s.name}-{s.size[0]}x{s.size[1]}")
async def test_a_dialog_is_as_wide_as_its_plan_and_cuts_no_value(read_only_scenario_console, scenario: Scenario):
    app = read_only_scenario_console()
    async with app.run_test(size=scenario.size) as pilot:
        await scenario.play(pilot)
        screen = app.screen
        assert isinstance(screen, ActionScreen), screen
        box = screen.query_one("#dialog")
        most = app.size.width - 2  # the box keeps a column of the console visible on each side
        natural = max(natural_width(w, most) for w in box.query(f".{SIZES_BOX}") if w.display)
        assert box.outer_size.width >= min(natural + box.styles.gutter.width, most)
        lines = [line[box.region.x: box.region.right] for line in screen_text(app).splitlines()
                 [box.region.y: box.region.bottom]]
        drawn = "\n".join(lines)
        assert "…" not in drawn, drawn
        if natural + box.styles.gutter.width <= most and scenario.size == (132, 36):
            shown = set(re.findall(r"\S+", drawn))
            cut = [w for w in plan_words(screen) if w not in shown and not any(w in s for s in shown)]
            assert not cut, (cut[:10], drawn)
