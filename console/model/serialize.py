"""Plain-JSON views of model objects, for `--json` output and the audit log. Pure functions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from console.model.deployments import Deployment
from console.model.environments import PRODUCTION, PendingApproval, RateLimit, TargetState, staging_ahead
from console.model.format import run_of
from console.model.images import Image, image_version, partition_by_target
from console.model.rollbacks import RolledBack
from console.model.runs import WorkflowRun
from console.model.snapshot import Snapshot


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def run_json(run: WorkflowRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "workflow": run.workflow,
        "name": run.name,
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "branch": run.head_branch,
        "head_sha": run.head_sha,
        "actor": run.actor,
        "title": run.display_title,
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "html_url": run.html_url,
    }


def deployment_json(deployment: Deployment | None) -> dict[str, Any] | None:
    if deployment is None:
        return None
    return {
        "id": deployment.id,
        "ref": deployment.ref,
        "sha": deployment.sha,
        "creator": deployment.creator,
        "created_at": iso(deployment.created_at),
        "state": deployment.state,
        "run_id": deployment.run_id,
    }


def rolled_back_json(rolled: RolledBack | None) -> dict[str, Any] | None:
    if rolled is None:
        return None
    return {"from_version": rolled.from_version, "at": iso(rolled.at), "by": rolled.by, "reason": rolled.reason,
            "run_id": rolled.run_id, "automatic": rolled.automatic, "direct": rolled.direct}


def state_json(state: TargetState, runs: tuple[WorkflowRun, ...] = (), rolled: RolledBack | None = None) -> dict[str, Any]:
    """What runs, since when and via which deployment and run; ``unknown`` says why not, when the
    console cannot tell (``since``, ``deployment`` and ``run`` are then null); ``rolled_back`` when
    production runs a rolled-back image (null otherwise, and always for staging)."""
    run = run_of(state, runs)
    return {
        "digest": state.digest,
        "version": state.version,
        "commit": state.commit,
        "pushed_at": iso(state.pushed_at),
        "since": iso(state.since),
        "deployment": deployment_json(state.deployment),
        "run": {"id": run.id, "workflow": run.workflow, "name": run.name, "run_number": run.run_number,
                "event": run.event, "html_url": run.html_url} if run else None,
        "unknown": state.attribution.unknown or None,
        "rolled_back": rolled_back_json(rolled),
    }


def approval_json(run: WorkflowRun, approval: PendingApproval) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "ref": run.head_branch,
        "head_sha": run.head_sha,
        "environment": approval.environment,
        "environment_id": approval.environment_id,
        "reviewers": list(approval.reviewers),
        "wait_timer_minutes": approval.wait_timer_minutes,
        "can_approve": approval.current_user_can_approve,
        "html_url": run.html_url,
    }


def rate_limit_json(rate: RateLimit | None) -> dict[str, Any] | None:
    if rate is None:
        return None
    return {"limit": rate.limit, "remaining": rate.remaining, "used": rate.used, "reset_at": iso(rate.reset_at)}


def image_json(image: Image, targets: tuple[str, ...], environments: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "digest": image.digest,
        "tags": sorted(image.tags),
        "version": image_version(image, targets),
        "pushed_at": iso(image.pushed),  # null: ECR reported no push time
        "size_bytes": image.size_bytes or None,  # null: ECR reported no size (a multi-platform index)
        "archived": image.archived,
        "environments": environments.get(image.digest, []),
    }


def running_where(states: tuple[TargetState, ...]) -> dict[str, list[str]]:
    """digest -> environments that run it."""
    where: dict[str, list[str]] = {}
    for state in states:
        if state.digest:
            where.setdefault(state.digest, []).append(state.environment)
    return where


def status_json(snapshot: Snapshot) -> dict[str, Any]:
    environments: dict[str, dict[str, Any]] = {}
    behind = snapshot.releases_behind()
    for state in snapshot.states:
        rolled = snapshot.rolled_back_of(state.target) if state.environment == PRODUCTION else None
        environments.setdefault(state.environment, {})[state.target] = state_json(state, snapshot.runs, rolled)
    return {
        "repository": snapshot.repo,
        "ecr_repository": snapshot.ecr_repository,
        "layout": snapshot.layout,
        "fetched_at": iso(snapshot.fetched_at),
        "targets": list(snapshot.targets),
        "environments": environments,
        "drift": {
            t: {
                "production_releases_behind": behind[t],
                "staging_differs_from_production": staging_ahead(snapshot.images, t),
            }
            for t in snapshot.targets
        },
        "pending_approvals": [approval_json(run, a) for run, a in snapshot.approvals],
        "runs": [run_json(r) for r in snapshot.runs],
        "rate_limit": rate_limit_json(snapshot.rate_limit),
        "warnings": list(snapshot.errors),
    }


def images_json(
    images: list[Image] | tuple[Image, ...], targets: tuple[str, ...], states: tuple[TargetState, ...] = ()
) -> dict[str, Any]:
    where = running_where(states)
    groups, strays = partition_by_target(images, targets)
    return {
        "targets": {t: [image_json(i, targets, where) for i in group] for t, group in groups.items()},
        "untargeted": [image_json(i, targets, where) for i in strays],
        "total": len(images),
    }
