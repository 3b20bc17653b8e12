"""Child process of the Repositories figure: the console over several repositories, timed from inside.

    BENCH_SPAWNED_AT=<time.time() of the parent's spawn> python bench/probe_repositories.py --repo A --repo B ...

Builds the settings exactly as ``ghaecr-console --repo A --repo B ...`` does (cli.load_all_settings)
and runs the app under ``App.run_test`` (headless). Prints one JSON object: when the first screen
update showed every repository's row filled (its summary read; the approvals waiting on you on top).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

SPAWNED_AT = float(os.environ.get("BENCH_SPAWNED_AT") or time.time())

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual._compositor import CompositorUpdate  # noqa: E402

from console.cli import build_parser, load_all_settings  # noqa: E402
from console.services.backend import Backend  # noqa: E402
from console.ui.repositories import RepositoriesApp, open_repositories  # noqa: E402
from console.ui.screens.repositories import RepositoriesScreen  # noqa: E402

IMPORTS_DONE = time.time()


def every_row_filled(app: RepositoriesApp) -> bool:
    """The Repositories view is on screen and each repository's row holds its read summary."""
    from textual.widgets import DataTable

    if not isinstance(app.screen, RepositoriesScreen) or any(m.summary is None for m in app.fleet.members):
        return False
    table = app.screen.query_one("#repos-table", DataTable)
    return table.row_count == len(app.fleet.members) and all(
        str(table.get_row_at(i)[2]) for i in range(table.row_count))  # the Production column


async def probe(argv: list[str]) -> dict:
    args = build_parser().parse_args(argv)
    app = open_repositories(load_all_settings(args), Backend.from_settings)
    complete: list[float] = []
    original = app._display

    def display(screen, renderable) -> None:
        if renderable is not None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)  # the bytes a real terminal would get
            if not complete and every_row_filled(app):
                complete.append(time.time())
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(132, 36)) as pilot:
        deadline = time.monotonic() + 60
        while not complete and time.monotonic() < deadline:
            await pilot.pause(0.01)
        stale = [m.repo for m in app.fleet.members if m.stale]
    return {"spawned_at": SPAWNED_AT, "imports_done": IMPORTS_DONE, "complete_at": complete[0] if complete else None,
            "repositories": len(app.fleet.members), "stale": stale}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1:]))))
