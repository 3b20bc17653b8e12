"""Lenient parsing of GitHub REST JSON into console.model types.

github.com and GitHub Enterprise Server differ in optional fields, so each parser reads only the
fields the console uses, tolerates missing optional ones, and raises (KeyError/TypeError/ValueError)
only when a required one is missing; :func:`parse_items` then skips that one item and counts it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from console.model import Deployment, DeploymentStatus, Environment, Job, PendingApproval, Step, WorkflowRun
from console.model.deployments import run_in_url
from console.model.release import CommitStatus
from console.model.rollbacks import parse_dispatch_title

T = TypeVar("T")
PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def parse_items(items: Any, parse: Callable[[dict[str, Any]], T]) -> tuple[list[T], int]:
    """Parse each item; return (parsed, how many were skipped because they could not be parsed)."""
    if not isinstance(items, list):
        return [], 0
    parsed: list[T] = []
    skipped = 0
    for item in items:
        try:
            parsed.append(parse(item))
        except PARSE_ERRORS:
            skipped += 1
    return parsed, skipped


def ts(value: Any) -> datetime | None:
    """ISO-8601 timestamp (``Z`` or offset) to an aware datetime; None when absent or unparsable."""
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def required_ts(value: Any) -> datetime:
    parsed = ts(value)
    if parsed is None:
        raise ValueError(f"missing timestamp: {value!r}")
    return parsed


def login(user: Any) -> str:
    if isinstance(user, dict):
        return str(user.get("login") or user.get("name") or user.get("slug") or "")
    return ""


def workflow_file(path: Any) -> str:
    """``.github/workflows/cd.yml@refs/heads/main`` -> ``cd.yml``."""
    if not isinstance(path, str) or not path:
        return ""
    return path.split("@", 1)[0].rsplit("/", 1)[-1]


def parse_run(d: dict[str, Any], workflow: str = "") -> WorkflowRun:
    created = required_ts(d["created_at"])
    return WorkflowRun(
        id=int(d["id"]),
        workflow=workflow_file(d.get("path")) or workflow,
        name=str(d.get("name") or workflow),
        run_number=int(d.get("run_number") or 0),
        event=str(d.get("event") or ""),
        status=str(d.get("status") or "unknown"),
        conclusion=d.get("conclusion") or None,
        head_branch=d.get("head_branch"),
        head_sha=str(d.get("head_sha") or ""),
        actor=login(d.get("triggering_actor")) or login(d.get("actor")),
        created_at=created,
        updated_at=ts(d.get("updated_at")) or created,
        run_started_at=ts(d.get("run_started_at")),
        html_url=str(d.get("html_url") or ""),
        display_title=str(d.get("display_title") or d.get("name") or ""),
        run_attempt=int(d.get("run_attempt") or 1),
    )


def _progress(d: dict[str, Any]) -> dict[str, Any]:
    """What jobs and steps share: name, status, conclusion and timing."""
    return {
        "name": str(d["name"]),
        "status": str(d.get("status") or "unknown"),
        "conclusion": d.get("conclusion") or None,
        "started_at": ts(d.get("started_at")),
        "completed_at": ts(d.get("completed_at")),
    }


def parse_step(d: dict[str, Any]) -> Step:
    return Step(number=int(d.get("number") or 0), **_progress(d))


def parse_job(d: dict[str, Any]) -> Job:
    steps, _ = parse_items(d.get("steps") or [], parse_step)
    return Job(
        id=int(d["id"]),
        run_id=int(d.get("run_id") or 0),
        html_url=str(d.get("html_url") or ""),
        steps=tuple(steps),
        **_progress(d),
    )


def reviewer_names(reviewers: Any) -> tuple[str, ...]:
    """Users by login, teams as ``@org/slug`` when the org is known, else by slug."""
    names = []
    for item in reviewers if isinstance(reviewers, list) else ():
        if not isinstance(item, dict):
            continue
        who = item.get("reviewer") or {}
        if not isinstance(who, dict):
            continue
        if item.get("type") == "Team" or ("slug" in who and "login" not in who):
            slug = who.get("slug") or who.get("name")
            org = login(who.get("organization")) if isinstance(who.get("organization"), dict) else ""
            if slug:
                names.append(f"{org}/{slug}" if org else str(slug))
        elif who.get("login"):
            names.append(str(who["login"]))
    return tuple(names)


def parse_pending(d: dict[str, Any], run_id: int) -> PendingApproval:
    env = d["environment"]
    return PendingApproval(
        run_id=run_id,
        environment_id=int(env["id"]),
        environment=str(env.get("name") or env["id"]),
        wait_timer_minutes=int(d.get("wait_timer") or 0),
        wait_timer_started_at=ts(d.get("wait_timer_started_at")),
        reviewers=reviewer_names(d.get("reviewers")),
        current_user_can_approve=bool(d.get("current_user_can_approve")),
    )


@dataclass(frozen=True)
class RunReview:
    """One review of a run's pending deployments (GitHub's review history of the run)."""

    state: str  # approved | rejected
    user: str
    comment: str
    environment_ids: tuple[int, ...]


def parse_review(d: dict[str, Any]) -> RunReview:
    envs = d.get("environments") or []
    return RunReview(str(d["state"]), login(d.get("user")), str(d.get("comment") or ""),
                     tuple(int(e["id"]) for e in envs if isinstance(e, dict)))


def parse_environment(d: dict[str, Any]) -> Environment:
    wait = 0
    reviewers: tuple[str, ...] = ()
    self_review = False
    for rule in d.get("protection_rules") or ():
        if not isinstance(rule, dict):
            continue
        if rule.get("type") == "wait_timer":
            wait = int(rule.get("wait_timer") or 0)
        elif rule.get("type") == "required_reviewers":
            reviewers = reviewer_names(rule.get("reviewers"))
            self_review = rule.get("prevent_self_review") is True
    return Environment(
        id=int(d["id"]),
        name=str(d["name"]),
        html_url=str(d.get("html_url") or ""),
        wait_timer_minutes=wait,
        reviewers=reviewers,
        prevent_self_review=self_review,
    )


def deployment_policy(d: dict[str, Any]) -> str | None:
    """Which refs may deploy to an environment, in words; None when any branch or tag may."""
    policy = d.get("deployment_branch_policy")
    if not isinstance(policy, dict):
        return None
    if policy.get("protected_branches"):
        return "protected branches only"
    return "custom branch and tag rules" if policy.get("custom_branch_policies") else None


def parse_status(d: dict[str, Any]) -> DeploymentStatus:
    return DeploymentStatus(
        state=str(d["state"]),
        created_at=required_ts(d["created_at"]),
        creator=login(d.get("creator")),
        description=str(d.get("description") or ""),
        log_url=str(d.get("log_url") or d.get("target_url") or ""),
        environment_url=str(d.get("environment_url") or ""),
    )


def _payload_run_id(payload: Any) -> int | None:
    # Workflows may write the payload as an object or as a JSON string.
    if isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            return None
    if isinstance(payload, dict):
        value = payload.get("run_id") or payload.get("workflow_run_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None
    return None


def deployment_run_id(payload: Any, statuses: tuple[DeploymentStatus, ...]) -> int | None:
    """The run that created a deployment. GitHub Actions writes each status of an environment job's
    deployment with that job's page as log url (…/actions/runs/<run>/job/<job>): the exact run,
    whatever its commit or ref, so it comes first (the oldest status: the job's own; later ones such
    as ``inactive`` are written by GitHub when another deployment succeeds). Its ``payload`` is empty
    for those deployments and names a run only when a workflow created the deployment itself;
    ``performed_via_github_app`` says "GitHub Actions", not which run. No guess beyond these: a
    commit and ref are shared by every run dispatched on main (rollback, prune)."""
    for status in reversed(statuses):
        if (run := run_in_url(status.log_url)) is not None:
            return run
    return _payload_run_id(payload)


def parse_deployment(d: dict[str, Any], statuses: Iterable[DeploymentStatus] = ()) -> Deployment:
    statuses = tuple(statuses)
    return Deployment(
        id=int(d["id"]),
        environment=str(d.get("environment") or ""),
        ref=str(d.get("ref") or ""),
        sha=str(d.get("sha") or ""),
        creator=login(d.get("creator")),
        created_at=required_ts(d["created_at"]),
        description=str(d.get("description") or ""),
        task=str(d.get("task") or "deploy"),
        run_id=deployment_run_id(d.get("payload"), statuses),
        statuses=statuses,
    )


def parse_commit(d: dict[str, Any]) -> tuple[str, str, str]:
    """(sha, first line of the message, author login or name)."""
    commit = d.get("commit") or {}
    message = str(commit.get("message") or "").splitlines()
    author = login(d.get("author")) or login(commit.get("author"))
    return str(d["sha"]), message[0] if message else "", author


def parse_commit_status(d: dict[str, Any]) -> CommitStatus:
    """One status of a commit (``GET /commits/{ref}/status`` lists the newest per context)."""
    return CommitStatus(str(d["context"]), str(d["state"]), str(d.get("description") or ""),
                        str(d.get("target_url") or ""))


def protection_app(d: dict[str, Any]) -> str:
    """The app of an enabled custom deployment protection rule, by slug ("" for a disabled rule)."""
    if d.get("enabled") is False:
        return ""
    app = d["app"]
    return str(app.get("slug") or app["id"])


def dispatched_run(runs: Iterable[WorkflowRun], request_id: str) -> WorkflowRun | None:
    """The run whose title carries ``[request_id]`` (cd.yml's run-name), if listed."""
    return next((run for run in runs if (title := parse_dispatch_title(run.display_title)) and title.request_id == request_id),
                None)
