"""Rollbacks GitHub cannot show: break-glass mode moves ``latest-<target>`` with boto3, so no
deployment records it. This machine's audit log does: the Overview and ``status`` add such a rollback
for a target whose production digest has no deployment behind it and is still the one it moved to."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from console.actions.audit import SUCCEEDED, AuditLog, AuditRecord, latest_per_attempt
from console.model import PRODUCTION, Snapshot
from console.model.environments import tag_digests
from console.model.images import TagKind, parse_tag
from console.model.rollbacks import RolledBack


def with_direct_rollbacks(snapshot: Snapshot, log: AuditLog) -> Snapshot:
    """``snapshot`` with the direct rollbacks of its production targets (reads the log only when a
    production digest has no deployment behind it)."""
    known = {r.target for r in snapshot.rolled_back}
    unattributed = {s.target: s.digest for s in snapshot.states
                    if s.environment == PRODUCTION and s.digest and s.deployment is None and s.target not in known}
    if not unattributed:
        return snapshot
    direct = [r for r in latest_per_attempt(log.read_all().records)
              if r.action == "rollback" and r.mode == "direct" and r.outcome == SUCCEEDED and r.repository == snapshot.repo]
    found = []
    for target, digest in unattributed.items():
        newest = next(((r, c) for r in direct for c in r.changes if c.get("target") == target), None)
        if newest is not None and newest[1].get("to") == digest:
            found.append(_rolled_back(snapshot, target, *newest))
    return replace(snapshot, rolled_back=snapshot.rolled_back + tuple(found)) if found else snapshot


def _rolled_back(snapshot: Snapshot, target: str, record: AuditRecord, change: dict[str, Any]) -> RolledBack:
    """From the version the record names (older records: the release tag of the digest, if listed)."""
    versions = [change["from_version"]] if change.get("from_version") else [
        info.version for tag, d in tag_digests(snapshot.images).items()
        if d == change.get("from") and (info := parse_tag(tag, snapshot.targets)).kind is TagKind.RELEASE]
    return RolledBack(target, versions[0] if versions else None, record.when, record.user or record.local_user,
                      record.comment or "", None, direct=True)
