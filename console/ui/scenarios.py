"""The screens a reader is shown: ONE list, rendered into ``screenshots/`` for the README
(console/ui/screenshots.py) and compared by the snapshot tests (tests/ui/test_snapshots.py), so a
screen in the README is exactly a screen under test.

Every scenario plays in the same world: the sandbox's seed 7 with its history anchored at FIXED_NOW,
the pipeline paused, and (``stage``) a push to main whose CI is running beside the seeded v1.5.0
waiting for approval, plus a few sample audit records (``stage_audit``). Nothing in a scenario writes
to GitHub or ECR: a confirmation is captured before it is confirmed.

To add a screen: write its steps (keys, or a function of the Pilot that ends waiting on what the
screen shows), append a ``Scenario``, run ``pytest tests/ui/test_snapshots.py --snapshot-update`` and
look at the new SVG; ``readme=True`` also renders it into screenshots/ (then link it in README.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button

from console.actions.audit import AuditLog, AuditRecord
from console.config import Settings
from console.services.backend import Backend
from console.ui.app import GhaecrApp
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.dialogs.prune import PruneScreen
from console.ui.pilot_waits import loaded, settle, until
from console.ui.screens.run_detail import RunDetailScreen
from console.ui.typed import console_of
from console.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from console.sandbox import Sandbox

FIXED_NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
SEED = 7
FROZEN_SPEED = 0.001  # simulated seconds per wall second: data that does not move while captured
LARGE = (132, 36)
SMALL = (80, 24)

Step = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Scenario:
    name: str  # the snapshot test's id; screenshots/<name>.svg when ``readme``
    size: tuple[int, int]
    steps: tuple[Step, ...] = ()
    readme: bool = False

    async def play(self, pilot: Pilot[Any]) -> None:
        """From a fresh console: the first refresh landed, then each step, then steady."""
        await loaded(pilot)
        for step in self.steps:
            await step(pilot)
        await settle(pilot)


# --- steps ----------------------------------------------------------------------------------------


def keys(*pressed: str) -> Step:
    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)
        await settle(pilot)
    return step


async def failed_run_log(pilot: Pilot[Any]) -> None:
    """Runs view, the newest failed CI run, its failed job's log scrolled to the failed step."""
    await pilot.press("2", "slash", *"status:failure workflow:ci", "enter", "enter")
    await settle(pilot)
    # Enter loads the highlighted job's log: only once the run's jobs are listed (a loaded machine
    # pressed it on an empty table, and no log ever came).
    await until(pilot, lambda: isinstance(pilot.app.screen, RunDetailScreen) and bool(pilot.app.screen.jobs), timeout=60)
    await pilot.press("enter")
    await settle(pilot)
    # The log arrives by message and scrolls to the failed step after a refresh: wait for what the
    # screen shows, not for time (under load a capture came before the scroll).
    await until(pilot, lambda: log_at_failed_step(pilot.app), timeout=60)


def log_at_failed_step(app: App[Any]) -> bool:
    logs = app.screen.query(LogView)
    if not logs:
        return False
    log = logs.first()
    if not log.lines or log.marked is None:
        return False
    return bool(round(log.scroll_y) == min(max(log.marked - 1, 0), round(log.max_scroll_y)))


async def waiting_release_job(pilot: Pilot[Any]) -> None:
    """Run detail of the v1.5.0 release (a live run: it waits for approval), the cursor on its first
    job waiting for production: the log panel says when that job's log comes."""
    await keys("2", "j", "enter")(pilot)  # below the running CI: the release
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "jobs", None)))
    while pilot.app.screen.selected_job().status != "waiting":  # type: ignore[attr-defined]
        await pilot.press("j")
    # The highlight moves by message: wait for the panel that says when the log comes (and its steps).
    await until(pilot, lambda: "finishes" in str(pilot.app.screen.query_one(LogView).border_title))
    await settle(pilot)


async def rollback_runtime(pilot: Pilot[Any]) -> None:
    """The rollback dialog for one target (what the Environments view's b opens on its row)."""
    console_of(pilot.app).rollback_target("runtime")
    await settle(pilot)


async def prune_keeping_three(pilot: Pilot[Any]) -> None:
    """The prune screen with its keep count lowered to 3 (the seed history keeps everything at 10)."""
    await keys("P")(pilot)
    await pilot.press("3", "enter")  # the keep field has the focus, its text selected
    # Enter re-plans in a worker that may not exist yet when press() returns: wait for its plan.
    await until(pilot, lambda: isinstance(screen := pilot.app.screen, PruneScreen) and screen.plan is not None
                and screen.plan.keep == 3)


async def approve_typed_confirmation(pilot: Pilot[Any]) -> None:
    """The approve dialog with a comment, Approve pressed: the modal asks to type 'production'."""
    await keys("a")(pilot)
    await pilot.press(*"ship it")
    pilot.app.screen.query_one("#approve", Button).press()
    # The press is a message: the modal is pushed after it is handled (a loaded machine captured before).
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))


# --- the list ---------------------------------------------------------------------------------------

SCENARIOS: list[Scenario] = [
    # The README's hero (mid-release: v1.5.0 waits for approval while CI runs), the same at 80x24.
    Scenario("overview", LARGE, readme=True),
    Scenario("overview-80x24", SMALL, readme=True),
    Scenario("runs", LARGE, (keys("2"),)),
    Scenario("runs-80x24", SMALL, (keys("2"),)),
    Scenario("images", LARGE, (keys("3"),)),
    Scenario("images-80x24", SMALL, (keys("3"),)),
    Scenario("images-filter", SMALL, (keys("3", "slash", *"runtime v1."),), readme=True),
    Scenario("environments", LARGE, (keys("4"),), readme=True),
    Scenario("environments-80x24", SMALL, (keys("4"),)),
    Scenario("approvals", LARGE, (keys("5"),)),
    Scenario("approvals-80x24", SMALL, (keys("5"),)),
    Scenario("run-detail-log", LARGE, (failed_run_log,), readme=True),
    Scenario("run-detail-log-80x24", SMALL, (failed_run_log,)),
    Scenario("run-detail-live", LARGE, (waiting_release_job,), readme=True),
    # F on the failed run's detail: re-run its failed jobs (a new attempt), asked first.
    Scenario("rerun-dialog", LARGE, (failed_run_log, keys("F")), readme=True),
    Scenario("help", LARGE, (keys("question_mark"),), readme=True),
    # Action dialogs, captured before anything is confirmed.
    Scenario("rollback-dialog", LARGE, (keys("4", "j", "j", "j", "b"),), readme=True),  # production runtime
    Scenario("rollback-one-target-80x24", SMALL, (rollback_runtime,)),
    # Below the running CI: the release waiting for production (the typed word).
    Scenario("cancel-dialog", LARGE, (keys("2", "j"), keys("X")), readme=True),
    # v1.5.0's release context: CI, staging/<target>, compare link, 30-day deadline.
    Scenario("approve-dialog", LARGE, (keys("a"),), readme=True),
    Scenario("cancel-dialog-80x24", SMALL, (keys("2", "j"), keys("X"))),
    Scenario("approve-80x24", SMALL, (keys("a"),)),
    Scenario("confirm-production-80x24", SMALL, (approve_typed_confirmation,)),
    Scenario("prune-plan", LARGE, (prune_keeping_three,)),
    Scenario("prune-plan-80x24", SMALL, (prune_keeping_three,)),
    Scenario("audit-log-80x24", SMALL, (keys("A"),)),
]


# --- the world --------------------------------------------------------------------------------------


def stage(sandbox: Sandbox) -> None:
    """Pause the pipeline and set the moment every scenario shows: a push to main whose CI is running,
    beside the seeded v1.5.0 waiting for approval. Set in the stand-in's state (not by letting time
    run), so every rendering shows the same moment."""
    sandbox.pause()
    sha = sandbox.push_main("Add order export")
    with sandbox.state.lock:
        for run in sandbox.state.runs.values():
            if run.head_sha == sha:
                run.status, run.run_started_at = "in_progress", run.created_at


def stage_audit(settings: Settings) -> None:
    """A few fixed records (a cancelled approval, a rollback, a prune) in the audit log of this state dir."""
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
    log = AuditLog.for_settings(settings)
    for record in records:
        log.append(record)


def console_for(sandbox: Sandbox) -> GhaecrApp:
    """A console on the staged sandbox, on its clock, its poll timer held (r and the steps still refresh).
    The stand-in's rate-limit count starts afresh: the status bar shows it, and it must not depend on
    which scenarios were played before."""
    with sandbox.state.lock:
        sandbox.state.ratelimit_used = 0
    settings = sandbox.settings()
    return GhaecrApp(Backend.from_settings(settings), settings, now=sandbox.clock.now, polls=False)
