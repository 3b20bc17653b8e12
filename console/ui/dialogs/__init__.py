"""Action dialogs: approve/reject, rollback, prune, the audit log, and the confirm modal.

The app calls these factories from its ``a`` / ``b`` / ``P`` / ``A`` / ``F`` ``R`` ``X`` keys and pushes the result.
"""

from __future__ import annotations

from textual.screen import Screen

from console.ui.dialogs.approve import ApproveScreen
from console.ui.dialogs.audit import AuditScreen
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.dialogs.prune import PruneScreen
from console.ui.dialogs.rollback import RollbackScreen
from console.ui.dialogs.run_control import RunControlScreen


def approve_screen(app, run_id: int | None) -> Screen:
    return ApproveScreen(run_id)


def rollback_screen(app, target: str | None) -> Screen:
    return RollbackScreen(target)


def prune_screen(app) -> Screen:
    return PruneScreen()


def audit_screen(app) -> Screen:
    return AuditScreen()


def run_control_screen(app, run_id: int | None, kind: str) -> Screen:
    return RunControlScreen(run_id, kind)


__all__ = [
    "ApproveScreen", "AuditScreen", "ConfirmModal", "PruneScreen", "RollbackScreen", "RunControlScreen",
    "approve_screen", "audit_screen", "prune_screen", "rollback_screen", "run_control_screen",
]
