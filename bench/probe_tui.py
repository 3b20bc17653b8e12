"""Child process for figures 3, 5 and 6: the TUI on the sandbox, driven by Pilot, timed from inside.

    BENCH_SPAWNED_AT=<time.time() of the parent's spawn> python bench/probe_tui.py [--keys N]

Prints one JSON object. Runs apart from the sandbox (which stays in the parent) so the console has
its own interpreter and GIL, as it does for a user, and so its peak RSS is its own.

"Repaint" is the compositor producing the screen update (``App._display``); in headless mode
Textual skips turning that update into terminal bytes, so the probe does it too, to pay what a real
terminal costs. A key's latency runs from sending the key event to the first screen update after
the images table painted its last line for that key.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

SPAWNED_AT = float(os.environ.get("BENCH_SPAWNED_AT") or time.time())
IMPORT_STARTED = time.time()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events  # noqa: E402
from textual._compositor import CompositorUpdate  # noqa: E402

from bench.experiments import apply_from_env  # noqa: E402
from console.cli import build_parser, load_settings  # noqa: E402
from console.services.backend import Backend  # noqa: E402
from console.ui.app import GhaecrApp  # noqa: E402

EXPERIMENTS = apply_from_env()

QUIET = 0.06  # seconds without table painting before a key counts as done
FILTERS = ("runtime v1.2", "latest", "sha-1a", "full v1.10", "staging", "minimal sha-9")


def vm_hwm() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


class Paints:
    """Timestamps of screen updates and of images-table line renders."""

    def __init__(self, app: GhaecrApp) -> None:
        self.app = app
        self.screen_updates: list[float] = []
        self.table_lines_at = 0.0
        self.first_complete: float | None = None
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None:
                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(app.console)  # the bytes a real terminal would get
                now = time.perf_counter()
                self.screen_updates.append(now)
                if self.first_complete is None and overview_complete(app):
                    self.first_complete = time.time()
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    def watch_table(self, table) -> None:
        original = table.render_line

        def render_line(y: int):
            self.table_lines_at = time.perf_counter()
            return original(y)

        table.render_line = render_line


def overview_complete(app: GhaecrApp) -> bool:
    """Every overview panel filled from a snapshot: the view left its "loading" state and each
    table it shows (environments per target, latest runs, pending approvals when any) has rows."""
    from textual.widgets import DataTable

    if app.snapshot is None or app.prepared is None:
        return False
    try:
        view = app.screen.query_one("#view-overview")
    except Exception:
        return False
    if view.has_class("-empty"):
        return False
    tables = [t for t in view.query(DataTable) if t.display]
    return bool(tables) and all(t.row_count > 0 for t in tables)


def time_first_load(app: GhaecrApp, backend: Backend) -> dict:
    """Where the first load's time goes: the back end's snapshot, then the UI's prepare step."""
    phases: dict[str, float] = {}
    snapshot = backend.snapshot

    async def timed_snapshot(**kwargs):
        started = time.perf_counter()
        try:
            return await snapshot(**kwargs)
        finally:
            phases.setdefault("snapshot_s", time.perf_counter() - started)

    backend.snapshot = timed_snapshot  # type: ignore[method-assign]
    prepare = getattr(app, "_prepare", None)
    if callable(prepare):
        def timed_prepare(snap):
            started = time.perf_counter()
            try:
                return prepare(snap)
            finally:
                phases.setdefault("prepare_s", time.perf_counter() - started)

        app._prepare = timed_prepare
    return phases


async def key_latency(app: GhaecrApp, paints: Paints, key: str, timeout: float = 2.0) -> float:
    """Send one key as the terminal driver would; return seconds until the repaint that shows it."""
    char = " " if key == "space" else (key if len(key) == 1 else None)
    started = time.perf_counter()
    app._driver.send_message(events.Key(key, char))  # type: ignore[union-attr]
    while True:
        await asyncio.sleep(0.002)
        now = time.perf_counter()
        lines = paints.table_lines_at
        shown = next((t for t in paints.screen_updates if t >= lines), None) if lines >= started else None
        if shown is not None and now - lines >= QUIET:
            return shown - started
        if now - started > timeout:
            return now - started  # nothing repainted: count the whole wait


async def probe(keys: int, size: tuple[int, int], interaction: bool) -> dict:
    args = build_parser().parse_args([])
    settings = load_settings(args)
    backend = Backend.from_settings(settings)
    app = GhaecrApp(backend, settings)
    paints = Paints(app)
    phases = time_first_load(app, backend)
    result: dict = {"spawned_at": SPAWNED_AT, "import_started": IMPORT_STARTED, "experiments": EXPERIMENTS}
    result["imports_done"] = time.time()
    async with app.run_test(size=size) as pilot:
        result["app_started"] = time.time()
        deadline = time.monotonic() + 120
        while paints.first_complete is None and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        result["complete_at"] = paints.first_complete
        result["phases"] = phases
        result["images"] = len(app.snapshot.images) if app.snapshot else 0
        result["runs"] = len(app.snapshot.runs) if app.snapshot else 0
        if interaction and paints.first_complete is not None:
            # The overview is complete before the full image listing lands (two-phase first load);
            # key latency is measured on the loaded table, not on that one-time fill.
            while not (app.snapshot.images_complete and not app.data.refreshing) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            result.update(await interact(app, pilot, paints, keys))
        result["rss_bytes"] = vm_hwm()
        stats = backend.github.stats
        result["github_stats"] = {"total": stats.total, "not_modified": stats.not_modified}
        result["ecr_stats"] = dict(backend.ecr.stats.by_operation)
    await backend.aclose()
    return result


async def interact(app: GhaecrApp, pilot, paints: Paints, keys: int) -> dict:
    from textual.widgets import Input

    from console.ui.widgets.virtual_table import VirtualTable

    await pilot.press("3")  # the images view
    await pilot.pause()
    view = app.screen.query_one("#view-images")
    table = view.query_one(VirtualTable)
    paints.watch_table(table)
    view.query_one(Input).cursor_blink = False  # a blinking cursor is not a response
    live = await key_passes(app, pilot, paints, view, table, keys)
    await pause_refresh(app)
    paused = await key_passes(app, pilot, paints, view, table, keys)
    return {**live, "paused": paused}


async def key_passes(app: GhaecrApp, pilot, paints: Paints, view, table, keys: int) -> dict:
    """``keys`` cursor moves (plus pagedowns), then filters typed and erased, >= ``keys`` keystrokes."""
    from textual.widgets import Input

    table.focus()
    await pilot.pause()
    table.lines_rendered = 0
    scroll = [await key_latency(app, paints, "down") for _ in range(keys)]
    scroll += [await key_latency(app, paints, "pagedown") for _ in range(max(keys // 5, 10))]
    lines_per_key = table.lines_rendered / len(scroll)
    view.query_one(Input).focus()
    await pilot.pause()
    typing: list[float] = []
    rows_seen: list[int] = []
    while len(typing) < keys:
        for query in FILTERS:
            for char in query:
                typing.append(await key_latency(app, paints, "space" if char == " " else char))
            rows_seen.append(table.row_count)
            for _ in query:
                typing.append(await key_latency(app, paints, "backspace"))
    return {"scroll": scroll, "typing": typing, "lines_per_scroll_key": lines_per_key, "filter_rows": rows_seen,
            "total_rows": table.row_count, "refreshes": app.backend.snapshots}


async def pause_refresh(app: GhaecrApp) -> None:
    """Diagnostic: stop the background refresh (after the one already scheduled) to separate the cost
    of a key from the cost of a refresh landing while keys are pressed."""
    import console.ui.app as app_module

    app_module.next_delay = lambda *args, **kwargs: 3600.0
    done = app.backend.snapshots
    deadline = time.monotonic() + 60
    while (app.backend.snapshots == done or app.data.refreshing) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def main() -> int:
    keys = int(sys.argv[sys.argv.index("--keys") + 1]) if "--keys" in sys.argv else 100
    interaction = "--no-keys" not in sys.argv
    result = asyncio.run(probe(keys, (160, 48), interaction))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
