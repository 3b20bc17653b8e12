"""Which production targets are rolled back — from what, when, by whom and why — read from GitHub data
every operator sees: the deployment that put production's digest there (attribution, deployments.py),
the run that made it and that run's title (cd.yml's run-name records a dispatch's operation, targets,
request id and reason). Another operator's rollback shows the same as one's own. Pure functions.

A target is rolled back when production's current deployment came from
- a dispatched rollback (its run's title ``rollback <targets> [<request id>]: <reason>``; when that run
  is not among the listed ones, a production deployment of a branch: only rollbacks deploy one), or
- a release whose smoke test failed (the deployment of ``v1.6.0`` recorded a digest other than
  ``v1.6.0-<target>``'s: the job put the previous image back).
It stops being rolled back when a later deployment (the next release) ships the target.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from console.model.deployments import Deployment, digest_targets, shipped_by_target
from console.model.environments import PRODUCTION, TargetState
from console.model.images import VERSION_RE, TagKind, parse_tag
from console.model.runs import WorkflowRun
from console.model.text import one_line

# cd.yml's run-name for a dispatch: "<operation> <targets|images> [<request id>]" and ": <reason>" when given.
_DISPATCH_TITLE = re.compile(r"(?P<operation>rollback|prune) (?P<what>.*?) \[(?P<request_id>[^\]\s]*)\](?:: (?P<reason>.*))?",
                             re.S)
SMOKE_FAILED = "its smoke test failed, the previous image is back"


@dataclass(frozen=True)
class DispatchTitle:
    operation: str
    what: str  # the targets (rollback) or "images" (prune)
    request_id: str
    reason: str


def parse_dispatch_title(title: str | None) -> DispatchTitle | None:
    """A dispatched CD run's title, parsed (None: not one). The request id is matched exactly, so a
    reason quoting another request's ``[id]`` never passes for it."""
    found = _DISPATCH_TITLE.fullmatch(title or "")
    if found is None:
        return None
    return DispatchTitle(found["operation"], found["what"], found["request_id"], one_line(found["reason"] or ""))


@dataclass(frozen=True)
class RolledBack:
    target: str
    from_version: str | None  # what production ran before (a release, else "sha <commit>"); None: not listed
    at: datetime | None  # when the rollback's job recorded the digest production runs now
    by: str  # who started the run (else the deployment's creator)
    reason: str  # the dispatch's reason; "" when none was given or the run is not listed
    run_id: int | None
    automatic: bool = False  # the release's own job rolled back after its smoke test failed
    direct: bool = False  # break-glass: no deployment on GitHub, known from this machine's audit log

    def line(self, now: datetime) -> str:
        """'rolled back from v1.5.0 at 14:02 by octo: 5xx after deploy' (UTC; the date when not today)."""
        text = ("rolled back directly" if self.direct else "rolled back") + (
            f" from {self.from_version}" if self.from_version else "")
        if self.at is not None:
            text += " at " + (self.at.strftime("%H:%M") if self.at.date() == now.date() else self.at.strftime("%b %d %H:%M"))
        text += f" by {self.by or 'unknown'}"
        return text + (f": {self.reason}" if self.reason else "")


def rolled_back(
    states: Iterable[TargetState],
    deployments: Iterable[Deployment],
    runs: Iterable[WorkflowRun],
    tags: Mapping[str, str],
    targets: tuple[str, ...],
) -> tuple[RolledBack, ...]:
    """The production targets that run a rolled-back image now (``tags``: tag -> digest of the
    whole repository, to name the target and release of a deployed digest)."""
    by_id = {run.id: run for run in runs}
    target_of = digest_targets(tags, lambda tag: parse_tag(tag, targets).target)
    shipped = shipped_by_target(deployments, PRODUCTION, target_of)
    found: list[RolledBack] = []
    for state in states:
        deployment = state.deployment
        if state.environment != PRODUCTION or deployment is None or state.digest is None:
            continue
        run = by_id.get(deployment.run_id) if deployment.run_id is not None else None
        earlier = _before(shipped.get(state.target, []), deployment)
        rollback = _rollback(state, deployment, run, tags)
        if rollback is None:
            continue
        automatic, reason = rollback
        version = deployment.ref if automatic else _version(earlier, tags, targets)
        found.append(RolledBack(state.target, version, state.since, run.actor if run else deployment.creator,
                                reason, deployment.run_id, automatic))
    return tuple(found)


def _rollback(state: TargetState, deployment: Deployment, run: WorkflowRun | None,
              tags: Mapping[str, str]) -> tuple[bool, str] | None:
    """(automatic, reason) when ``deployment`` rolled the target back, else None."""
    if VERSION_RE.match(deployment.ref):  # a release: rolled back only when its own job put another image back
        released = tags.get(f"{deployment.ref}-{state.target}")
        return (True, SMOKE_FAILED) if released and released != state.digest else None
    if run is None:  # not listed: a production deployment of a branch is a dispatched rollback
        return False, ""
    title = parse_dispatch_title(run.display_title) if run.event == "workflow_dispatch" else None
    return (False, title.reason) if title and title.operation == "rollback" else None


def _before(shipped: list[Deployment], deployment: Deployment) -> Deployment | None:
    """The deployment of the same target recorded just before ``deployment`` (newest first list)."""
    ids = [d.id for d in shipped]
    index = ids.index(deployment.id) if deployment.id in ids else -1
    return shipped[index + 1] if 0 <= index < len(shipped) - 1 else None


def _version(deployment: Deployment | None, tags: Mapping[str, str], targets: tuple[str, ...]) -> str | None:
    """What a deployment shipped: its release tag's version, else the version or build commit its digest carries."""
    if deployment is None:
        return None
    if VERSION_RE.match(deployment.ref):
        return deployment.ref
    build = None
    for tag, digest in tags.items():
        if digest != deployment.digest:
            continue
        info = parse_tag(tag, targets)
        if info.kind is TagKind.RELEASE and info.version:
            return info.version
        if info.kind is TagKind.BUILD and info.sha:
            build = f"sha {info.sha[:7]}"
    return build
