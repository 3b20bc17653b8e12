"""What a reviewer needs to know about a release waiting for approval, besides the digests: did CI
pass for the tagged commit, did staging smoke-test each target's digest (the ``staging/<target>``
commit statuses CD writes), how long GitHub keeps the deployment waiting, and who may approve it —
with the reason when *you* may not. Pure: the reading is in console/actions/release_context.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.model.environments import PendingApproval
from console.model.format import span
from console.model.serialize import iso

# GitHub fails a deployment that waits for its protection rules longer than this.
PENDING_LIMIT = timedelta(days=30)
STAGING_CONTEXT = "staging/"  # cd.yml writes the commit status staging/<target> after the smoke test
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class CommitStatus:
    """One commit status (the newest of its context)."""

    context: str
    state: str  # success, failure, error, pending
    description: str = ""
    target_url: str = ""

    @property
    def digest(self) -> str | None:
        """The digest the status names ("smoke-tested sha256:…"), if any."""
        found = _DIGEST.search(self.description)
        return found.group(0) if found else None


@dataclass(frozen=True)
class StagingCheck:
    """Whether staging smoke-tested ``target`` for the commit, and which digest."""

    target: str
    status: CommitStatus | None  # None: no staging/<target> status on the commit

    @property
    def state(self) -> str:
        return self.status.state if self.status else "missing"

    @property
    def digest(self) -> str | None:
        return self.status.digest if self.status else None


def staging_checks(targets: tuple[str, ...], statuses: list[CommitStatus]) -> tuple[StagingCheck, ...]:
    by_context = {s.context: s for s in statuses}  # the combined status holds the newest per context
    return tuple(StagingCheck(t, by_context.get(STAGING_CONTEXT + t)) for t in targets)


@dataclass(frozen=True)
class CiResult:
    """The CI run of the tagged commit (the newest one, re-runs included)."""

    name: str
    run_number: int
    status: str
    conclusion: str | None
    html_url: str = ""

    @property
    def outcome(self) -> str:
        return self.conclusion or self.status


@dataclass(frozen=True)
class EnvironmentGate:
    """An environment's protection, as far as it decides who may approve: its required reviewers,
    ``prevent_self_review``, and the GitHub Apps of its custom deployment protection rules."""

    environment: str
    reviewers: tuple[str, ...] = ()
    prevent_self_review: bool = False
    apps: tuple[str, ...] = ()  # app slugs (enabled custom deployment protection rules)


def held_by_apps(pending: PendingApproval, gate: EnvironmentGate | None) -> tuple[str, ...]:
    """The apps that hold ``pending`` when no person can release it: no required reviewers, only custom
    deployment protection rules (the app approves or rejects by itself)."""
    if gate is None or not gate.apps or pending.reviewers or gate.reviewers:
        return ()
    return gate.apps


def why_not_reviewer(pending: PendingApproval, gate: EnvironmentGate | None, user: str | None, actor: str) -> str | None:
    """Why ``user`` cannot approve ``pending`` (one sentence naming what to do), or None when they can.
    ``actor``: who started the run (prevent_self_review bars them)."""
    env = pending.environment
    apps = held_by_apps(pending, gate)
    if apps:
        names = ", ".join(apps)
        return (f"{env} is held by the custom deployment protection rule of the GitHub App {names}, not by reviewers; "
                f"it approves or rejects by itself — see its checks on the run, or ask its owners.")
    if pending.current_user_can_approve:
        return None
    who = user or "this token's user"
    others = [r for r in pending.reviewers or (gate.reviewers if gate else ()) if r != user]
    reviewers = ", ".join(others) or "none listed"
    if gate is not None and gate.prevent_self_review and user and user == actor:
        return f"{env} prevents self-review and {who} started this run; ask another reviewer ({reviewers})."
    return f"{who} is not a required reviewer of {env}; ask a reviewer ({reviewers})."


@dataclass(frozen=True)
class Deadline:
    """When GitHub fails the waiting deployment: 30 days after it started waiting."""

    started: datetime  # the deployment's creation, else the run attempt's start (never later than GitHub's)
    source: str  # "deployment" or "run"

    @property
    def at(self) -> datetime:
        return self.started + PENDING_LIMIT

    def text(self, now: datetime) -> str:
        """ "expires in 29d 3h (Dec 27 09:30 UTC)", or "expired 2h 05m ago (…)". """
        at = self.at
        when = f"{at:%b} {at.day} {at:%H:%M} UTC"
        if at <= now:
            return f"expired {span(now - at)} ago ({when})"
        return f"expires in {span(at - now)} ({when})"


@dataclass(frozen=True)
class ReleaseContext:
    """Everything the approve preview says about the release besides its digests. A part GitHub could
    not tell is None, with the reason in ``notes`` (keyed "ci", "staging", "gates", "deadline")."""

    ci: CiResult | None = None
    staging: tuple[StagingCheck, ...] | None = None
    gates: tuple[EnvironmentGate, ...] = ()
    deadlines: tuple[tuple[str, Deadline], ...] = ()  # (environment, deadline) per pending environment
    notes: tuple[tuple[str, str], ...] = ()

    def gate(self, environment: str) -> EnvironmentGate | None:
        return next((g for g in self.gates if g.environment == environment), None)

    def deadline(self, environment: str) -> Deadline | None:
        return next((d for env, d in self.deadlines if env == environment), None)

    def note(self, part: str) -> str:
        return dict(self.notes).get(part, "")


def context_json(context: ReleaseContext, reasons: dict[str, str | None]) -> dict[str, Any]:
    """The release context in ``approve --json`` (plan.context); ``reasons``: environment -> why you
    cannot approve it (None: you can)."""
    ci = context.ci
    return {
        "ci": None if ci is None else {"name": ci.name, "run_number": ci.run_number, "status": ci.status,
                                       "conclusion": ci.conclusion, "html_url": ci.html_url or None},
        "staging": None if context.staging is None else [
            {"target": c.target, "state": c.state, "digest": c.digest} for c in context.staging],
        "environments": [
            {"environment": env, "reason": why, **_gate_json(context.gate(env)),
             "expires_at": iso(deadline.at) if (deadline := context.deadline(env)) else None}
            for env, why in reasons.items()],
        "notes": dict(context.notes),
    }


def _gate_json(gate: EnvironmentGate | None) -> dict[str, Any]:
    if gate is None:
        return {"prevent_self_review": None, "apps": None}
    return {"prevent_self_review": gate.prevent_self_review, "apps": list(gate.apps)}
