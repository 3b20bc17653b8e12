"""Render the README's screens (the ``readme`` scenarios of console/ui/scenarios.py) into ``screenshots/*.svg``.

    python -m console.ui.screenshots [--out screenshots] [--only NAME ...]

Fixed seed, fixed clock (the sandbox's history is anchored at FIXED_NOW and its simulated time
stands still), so the pictures only change when the console or the seed data changes. The snapshot
tests play the same scenarios (tests/ui/test_snapshots.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from console.ui.pilot_waits import until
from console.ui.scenarios import FIXED_NOW, FROZEN_SPEED, LARGE, SCENARIOS, SEED, console_for, stage, stage_audit

if TYPE_CHECKING:
    from console.sandbox import Sandbox
    from console.sandbox.several import Sandboxes


async def render(sandbox: Sandbox, out: Path, only: set[str] | None = None) -> list[Path]:
    written = []
    for scenario in SCENARIOS:
        if not scenario.readme or (only and scenario.name not in only):
            continue
        app = console_for(sandbox)
        async with app.run_test(size=scenario.size) as pilot:
            await scenario.play(pilot)
            path = out / f"{scenario.name}.svg"
            path.write_text(app.export_screenshot(title=f"ghaecr-console — {scenario.name}"))
            written.append(path)
        await app.backend.aclose()
    return written


REPOSITORIES = ("acme/shop", "acme/cart", "acme/search")


async def render_repositories(sandboxes: Sandboxes, out: Path) -> Path:
    """The Repositories view over three sandbox repositories, each read once."""
    from console.services.backend import Backend
    from console.services.fleet import Fleet
    from console.ui.repositories import RepositoriesApp
    from console.ui.screens.repositories import RepositoriesScreen

    fleet = Fleet.from_settings(sandboxes.settings(), Backend.from_settings)
    app = RepositoriesApp(fleet, now=sandboxes.members[0].clock.now, polls=False)
    async with app.run_test(size=LARGE) as pilot:
        await until(pilot, lambda: all(m.summary for m in fleet.members) and not any(w.is_running for w in app.workers))
        screen = app.screen
        assert isinstance(screen, RepositoriesScreen)
        screen.draw()
        await pilot.pause()
        path = out / "repositories.svg"
        path.write_text(app.export_screenshot(title="ghaecr-console — repositories"))
    await fleet.aclose()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--only", nargs="*", help="names to render (default: all)")
    args = parser.parse_args(argv)
    from console.sandbox import Sandbox  # a development tool: the sandbox is the only back end it uses

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as state, Sandbox(seed=SEED, speed=FROZEN_SPEED, now=FIXED_NOW) as sandbox:
        os.environ.update(sandbox.env())  # boto3 finds the ECR stand-in and its dummy credentials
        os.environ["GHAECR_CONSOLE_STATE_DIR"] = state  # sample records, never the user's audit log
        stage(sandbox)
        stage_audit(sandbox.settings())
        for path in asyncio.run(render(sandbox, args.out, set(args.only or ()))):
            print(path)
    if not args.only or "repositories" in args.only:
        from console.sandbox.several import Sandboxes

        with Sandboxes(REPOSITORIES, seed=SEED, speed=FROZEN_SPEED, now=FIXED_NOW) as sandboxes:  # after: one at a time
            os.environ.update(sandboxes.env())
            for name in ("GHAECR_REPO", "GHAECR_ECR_REPOSITORY"):
                os.environ.pop(name, None)
            sandboxes.pause()
            print(asyncio.run(render_repositories(sandboxes, args.out)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
