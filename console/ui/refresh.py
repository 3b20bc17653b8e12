"""When to poll next. Pure: the app's one-shot timer asks this after every refresh."""

from __future__ import annotations

from console.model import Snapshot

FAST_SECONDS = 5.0  # while a run is active or a deployment waits for approval
FIRST_RETRY_SECONDS = 2.0


def is_busy(snapshot: Snapshot | None) -> bool:
    return bool(snapshot and (snapshot.approvals or any(r.is_active for r in snapshot.runs)))


def next_delay(
    snapshot: Snapshot | None, refresh_seconds: float, failures: int = 0, retry_after: float | None = None
) -> float:
    """Seconds until the next poll: slower when idle, faster when busy, backing off after failures."""
    normal = max(refresh_seconds, 1.0)
    if failures:
        if retry_after is not None:
            return max(retry_after, 1.0)
        return min(normal, FIRST_RETRY_SECONDS * 2 ** (failures - 1))
    return min(normal, FAST_SECONDS) if is_busy(snapshot) else normal


def may_skip_ecr(snapshot: Snapshot | None, seconds_since_listing: float | None, refresh_seconds: float) -> bool:
    """A fast poll only because a deployment waits may reuse the last ECR listing: nothing that pushes
    or moves tags is running, and ECR is still listed once per refresh interval."""
    if snapshot is None or seconds_since_listing is None:
        return False
    if any(run.is_active and not run.is_waiting for run in snapshot.runs):
        return False
    return seconds_since_listing < refresh_seconds


def approval_keys(snapshot: Snapshot | None) -> set[tuple[int, str]]:
    """(run id, environment) of each pending approval, to spot new ones between refreshes."""
    if snapshot is None:
        return set()
    return {(run.id, approval.environment) for run, approval in snapshot.approvals}
