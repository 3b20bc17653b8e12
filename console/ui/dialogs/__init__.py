"""Action dialogs: approve/reject, rollback, prune, the audit log, and the confirm modal.

The app opens these from its ``a`` / ``b`` / ``P`` / ``A`` / ``F`` ``R`` ``X`` keys, importing this
package on first use (the dialogs pull in the actions layer, which a read-only look never needs).
"""

from __future__ import annotations

from console.ui.dialogs.approve import ApproveScreen
from console.ui.dialogs.audit import AuditScreen
from console.ui.dialogs.confirm import ConfirmModal
from console.ui.dialogs.prune import PruneScreen
from console.ui.dialogs.rollback import RollbackScreen
from console.ui.dialogs.run_control import RunControlScreen

__all__ = [
    "ApproveScreen", "AuditScreen", "ConfirmModal", "PruneScreen", "RollbackScreen", "RunControlScreen",
]
