"""Plans as plain JSON, for `rollback --json` and `prune --json` (see Operation.plan_json). Pure functions."""

from __future__ import annotations

from typing import Any

from console.model.compare import Unshipped
from console.model.plans import PruneItem, PrunePlan, RollbackPlan
from console.model.serialize import iso


def rollback_plan_json(plan: RollbackPlan) -> dict[str, Any]:
    """Per target: from which digest and version back to which, and the tag the workflow resolves."""
    return {
        "to_version": plan.to_version,
        "steps": [{
            "target": s.target,
            "from": {"digest": s.from_digest, "version": s.from_version, "pushed_at": iso(s.from_pushed_at)},
            "to": {"digest": s.to_digest, "version": s.to_version, "pushed_at": iso(s.to_pushed_at), "ref": s.to_ref},
        } for s in plan.steps],
        "unshipped": [_unshipped(u) for u in plan.unshipped],
    }


def _unshipped(u: Unshipped) -> dict[str, Any]:
    """What one group of targets un-ships: GitHub's compare (commits oldest first, as listed), or why unknown."""
    c = u.comparison
    return {"targets": list(u.targets), "base": u.base, "head": u.head,
            "total_commits": c.total if c else None,
            "commits": [{"sha": sha, "message": message, "author": author} for sha, message, author in (c.commits if c else ())],
            "html_url": c.html_url if c else None, "note": u.note or None}


def prune_plan_json(plan: PrunePlan) -> dict[str, Any]:
    """Every image that goes and every one kept, each with its reason; the bytes reclaimed."""
    return {
        "keep": plan.keep,
        "bytes_reclaimed": plan.bytes_reclaimed,
        "delete": [_item(i) for i in plan.delete],
        "kept": [_item(i) for i in plan.protected],
    }


def _item(item: PruneItem) -> dict[str, Any]:
    image = item.image
    return {"target": item.target, "digest": image.digest, "tags": sorted(image.tags), "pushed_at": iso(image.pushed),
            "size_bytes": image.size_bytes or None, "reason": item.reason}
