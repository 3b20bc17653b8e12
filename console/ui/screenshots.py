"""Render the console's main screens from the sandbox into ``screenshots/*.svg`` (used by the README).

    python -m console.ui.screenshots [--out screenshots]

Fixed seed, fixed clock (the sandbox's history is anchored at FIXED_NOW and its simulated time
barely moves), so the pictures only change when the console or the seed data changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerFailed

from console.actions.audit import AuditLog, AuditRecord
from console.ui.app import GhaecrApp

FIXED_NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
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


def sample_audit(log: AuditLog) -> None:
    """A few fixed records (a rollback, a prune, a cancelled approval) for pictures of the audit log."""
    digest = "sha256:{}".format
    records = [
        AuditRecord(action="approve", repository="acme/shop", mode="api", time="2026-11-27T08:55:12+00:00",
                    user="octo-operator", local_user="operator", environment="production", run_id=1187,
                    comment="ship v1.5.0", outcome="cancelled"),
        AuditRecord(action="rollback", repository="acme/shop", time="2026-11-27T09:02:40+00:00",
                    user="octo-operator", local_user="operator", targets=["runtime"],
                    changes=[{"target": "runtime", "from": digest("4" * 64), "to": digest("9" * 64),
                              "to_ref": "previous-runtime"}],
                    run_id=1190, request_id="r-5d1c", comment="smoke alerts after v1.5.0", outcome="succeeded"),
        AuditRecord(action="prune", repository="acme/shop", mode="direct", time="2026-11-27T09:14:03+00:00",
                    user="octo-operator", local_user="operator", digests=[digest(c * 64) for c in "abc"],
                    comment="registry over quota", outcome="succeeded",
                    result={"deleted": 3, "kept": 0, "failed": 0}),
    ]
    for record in records:
        log.append(record)


# Fewer, better: the hero (mid-release: v1.5.0 waits for approval while CI runs), the same at 80x24,
# then one picture per task an operator comes for.
SHOTS: list[tuple[str, tuple[int, int], list[Step]]] = [
    ("overview", LARGE, []),
    ("overview-80x24", SMALL, []),
    ("run-detail-log", LARGE, [failed_run_log]),
    ("images-filter", SMALL, [keys("3", "slash", *"runtime v1.")]),
    ("environments", LARGE, [keys("4")]),
    ("rollback-dialog", LARGE, [keys("4", "j", "j", "j", "b")]),  # production runtime selected
    ("help", LARGE, [keys("question_mark")]),
    ("cancel-dialog", LARGE, [keys("2", "j"), keys("X")]),  # below the running CI: the release waiting for production
]


def mid_release(sandbox) -> None:
    """A push to main whose CI is running, beside the seeded v1.5.0 waiting for approval. Set in the
    stand-in's state (not by letting time run), so every rendering shows the same moment."""
    sha = sandbox.push_main("Add order export")
    with sandbox.state.lock:
        for run in sandbox.state.runs.values():
            if run.head_sha == sha:
                run.status, run.run_started_at = "in_progress", run.created_at


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
    with tempfile.TemporaryDirectory() as state, Sandbox(seed=SEED, speed=FROZEN_SPEED, now=FIXED_NOW) as sandbox:
        os.environ.update(sandbox.env())  # boto3 finds the ECR stand-in and its dummy credentials
        os.environ["GHAECR_CONSOLE_STATE_DIR"] = state  # sample records, never the user's audit log
        sample_audit(AuditLog.for_settings(sandbox.settings()))
        sandbox.pause()  # the pipeline stands still: every picture shows the same runs
        mid_release(sandbox)
        for path in asyncio.run(render(sandbox, args.out, set(args.only or ()))):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
