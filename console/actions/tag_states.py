"""What production's ``latest-<target>`` tags show for a recorded change: moved to the planned
digest, not moved, or somewhere else — per target, for an action that stopped halfway and for
reconciling an attempt later (rollback, approve)."""

from __future__ import annotations

from console.actions.audit import AuditRecord
from console.actions.context import ActionContext
from console.model.images import short_digest, tag_digest


async def target_states(ctx: ActionContext, record: AuditRecord) -> dict[str, str]:
    """Per planned change (target, from, to): moved, not moved, or what ``latest-`` names now."""
    images = await ctx.images()
    states = {}
    for change in record.changes:
        target = str(change.get("target"))
        now = tag_digest(images, f"latest-{target}")
        if now == change.get("to"):
            states[target] = f"moved to {short_digest(now)}"
        elif now == change.get("from"):
            states[target] = f"not moved (still {short_digest(now)})"
        else:
            states[target] = f"now {short_digest(now)} (neither planned digest)"
    return states


def states_line(states: dict[str, str]) -> str:
    return "; ".join(f"{target} {state}" for target, state in states.items())
