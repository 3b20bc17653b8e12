"""Render the console's main screens from the sandbox into ``screenshots/*.svg`` (used by the README).

    python -m console.ui.screenshots [--out screenshots]

Fixed seed, fixed clock (the sandbox's history is anchored at FIXED_NOW and its simulated time
barely moves), so the pictures only change when the console or the seed data changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerFailed

from console.ui.app import GhaecrApp

FIXED_NOW = datetime(2026, 11, 27, 9, 30, tzinfo=timezone.utc)
SEED = 7
FROZEN_SPEED = 0.001
LARGE = (132, 36)
SMALL = (80, 24)

Step = Callable[[Pilot], Awaitable[None]]


async def settle(pilot: Pilot) -> None:
    for _ in range(100):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerFailed:
            pass
        await pilot.pause()
        app = pilot.app
        if not app.data.refreshing and app.snapshot is not None and not any(  # type: ignore[attr-defined]
                w.is_running for w in app.workers):
            return


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot) -> None:
        await pilot.press(*pressed)
        await settle(pilot)
    return step


async def failed_run_log(pilot: Pilot) -> None:
    """Runs view, the newest failed CI run, its failed job's log."""
    await pilot.press("2", "slash", *"status:failure workflow:ci", "enter", "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


SHOTS: list[tuple[str, tuple[int, int], list[Step]]] = [
    ("overview", LARGE, []),
    ("overview-80x24", SMALL, []),
    ("runs", LARGE, [keys("2")]),
    ("run-detail-log", LARGE, [failed_run_log]),
    ("images", LARGE, [keys("3")]),
    ("images-filter", SMALL, [keys("3", "slash", *"runtime v1.")]),
    ("environments", LARGE, [keys("4")]),
    ("approvals", SMALL, [keys("5")]),
    ("help", LARGE, [keys("question_mark")]),
    ("approve-dialog", LARGE, [keys("a")]),
    ("rollback-dialog", LARGE, [keys("b")]),
]


async def render(sandbox, out: Path, only: set[str] | None = None) -> list[Path]:
    from console.services.backend import Backend

    written = []
    for name, size, steps in SHOTS:
        if only and name not in only:
            continue
        settings = sandbox.settings()
        backend = Backend.from_settings(settings)
        app = GhaecrApp(backend, settings, now=sandbox.clock.now)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for step in steps:
                await step(pilot)
            await pilot.pause()
            path = out / f"{name}.svg"
            path.write_text(app.export_screenshot(title=f"ghaecr-console — {name}"))
            written.append(path)
        await backend.aclose()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--only", nargs="*", help="names to render (default: all)")
    args = parser.parse_args(argv)
    from console.sandbox import Sandbox  # a development tool: the sandbox is the only back end it uses

    args.out.mkdir(parents=True, exist_ok=True)
    with Sandbox(seed=SEED, speed=FROZEN_SPEED, now=FIXED_NOW) as sandbox:
        os.environ.update(sandbox.env())  # boto3 finds the ECR stand-in and its dummy credentials
        sandbox.pause()  # the pipeline stands still: every picture shows the same runs
        for path in asyncio.run(render(sandbox, args.out, set(args.only or ()))):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
