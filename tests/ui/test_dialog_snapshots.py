"""Snapshot tests of the action dialogs at 80x24 (the prune plan also large), on the frozen sandbox.

Same determinism as tests/ui/test_snapshots.py: fixed seed, history anchored at FIXED_NOW, the
pipeline paused, the console's (and the dialogs') clock the sandbox's. The audit log screen reads
fixed sample records from the test's private state dir. Nothing here writes to GitHub or ECR: the
confirm modal is captured before anything is confirmed.
Update after an intended change: ``pytest tests/ui/test_dialog_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from console.actions.audit import AuditLog
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.screenshots import sample_audit
from tests.ui.helpers import loaded, settle, until
from tests.ui.test_snapshots import LARGE, SMALL, view


async def rollback_one_target(pilot) -> None:
    await loaded(pilot)
    pilot.app.rollback_target("runtime")
    await settle(pilot)


async def prune_keeping_three(pilot) -> None:
    """The prune screen with its keep count lowered to 3 (the seed history keeps everything at 10)."""
    await view("P")(pilot)
    await pilot.press("3", "enter")  # the keep field has the focus, its text selected
    # Enter re-plans in a worker that may not exist yet when press() returns: wait for its plan.
    await until(pilot, lambda: getattr(pilot.app.screen, "plan", None) is not None and pilot.app.screen.plan.keep == 3)
    await settle(pilot)


async def approve_confirmation(pilot) -> None:
    """The approve dialog with a comment, Approve pressed: the modal asks to type 'production'."""
    await loaded(pilot)
    await pilot.press("a")
    await settle(pilot)
    await pilot.press(*"ship it")
    pilot.app.screen.query_one("#approve").press()
    # The press is a message: the modal is pushed after it is handled (a loaded machine captured before).
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal))
    await settle(pilot)


@pytest.mark.parametrize("name, run_before", [
    ("approve", view("a")),
    ("rollback_one_target", rollback_one_target),
    ("prune_plan", prune_keeping_three),
    ("confirm_production", approve_confirmation),
])
def test_action_dialogs_80x24(console_app, snap_compare, name, run_before):
    app, _ = console_app(frozen=True)
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_prune_plan_large(console_app, snap_compare):
    app, _ = console_app(frozen=True)
    assert snap_compare(app, terminal_size=LARGE, run_before=prune_keeping_three)


def test_audit_log_80x24(console_app, snap_compare):
    app, sb = console_app(frozen=True)
    sample_audit(AuditLog.for_settings(sb.settings()))
    assert snap_compare(app, terminal_size=SMALL, run_before=view("A"))
