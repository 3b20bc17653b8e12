"""Drive every view of the console over data nobody hand-made, and check that it is still alive.

``tour(backend, worlds, serve)`` starts the app once (Textual Pilot), and for each world has the stand-in serve
it, refreshes, visits each view and the run detail
of the selected run. It returns what an operator would notice: whether the app
still runs, the exception it died of, and the crash reports it wrote. The caller asserts on those.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from console.config import Settings
from console.ui.app import GhaecrApp
from console.ui.keys import VIEWS
from tests.ui.helpers import FIXED_NOW, loaded, settle

SETTINGS = Settings(repo="acme/shop", ecr_repository="shop", github_url="https://github.example", token="t0ken",
                    region="us-east-1", refresh_seconds=3600, bell=False)


@dataclass
class Visit:
    running: bool
    error: BaseException | None
    crash_reports: list[str]
    screens: list[str]


async def tour(backend, worlds: list, serve, *, size: tuple[int, int] = (120, 36)) -> Visit:
    """One app for every world: ``serve(world)`` makes the GitHub stand-in answer from it, then a
    refresh loads it and every view and the run detail are visited."""
    app = GhaecrApp(backend, SETTINGS, now=FIXED_NOW)
    screens: list[str] = []
    async with app.run_test(size=size) as pilot:
        for world in worlds:
            serve(world)
            await pilot.press("r")
            await loaded(pilot)
            for number, _ in enumerate(VIEWS, start=1):
                await pilot.press(str(number))
                await settle(pilot)
            await pilot.press("2", "enter")  # runs: open the selected one (jobs, steps, log)
            await settle(pilot)
            # A loaded machine pushes the screen a few ticks later; a world with no run has none to open.
            for _ in range(100 if app.snapshot is not None and app.snapshot.runs else 0):
                if type(app.screen).__name__ != "MainScreen":
                    break
                await pilot.pause(0.05)
            screens.append(type(app.screen).__name__)
            await pilot.press("escape")
            if not app.is_running:
                break
        running = app.is_running
    return Visit(running, getattr(app, "_exception", None), crash_reports(), screens)


def crash_reports() -> list[str]:
    state = Path(os.environ["GHAECR_CONSOLE_STATE_DIR"])
    return sorted(p.name for p in state.rglob("*") if p.is_file() and "crash" in p.name) if state.exists() else []
