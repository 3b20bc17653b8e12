"""One line per repository for the Repositories view: what waits for a review, what production runs
per target, drift, the last CD run. Pure functions of a Snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.model import PRODUCTION, STAGING
from console.model.environments import staging_ahead
from console.model.snapshot import Snapshot


@dataclass(frozen=True)
class Waiting:
    """A deployment waiting for a review, with where it is."""

    repo: str
    run_id: int
    run: str  # "CD #40"
    ref: str  # the tag or branch: what would ship
    environment: str
    can_approve: bool  # the signed-in user is one of its reviewers
    since: datetime | None


@dataclass(frozen=True)
class RepoSummary:
    repo: str
    fetched_at: datetime
    waiting: tuple[Waiting, ...]
    production: tuple[tuple[str, str], ...]  # (target, version label) in target order
    drift: tuple[str, ...]  # "runtime 2 behind" per target behind, then "staging ahead: minimal, runtime"
    last_cd: str  # "success: CD #37 on main" or "no CD run yet"
    warnings: int  # partial failures of the read (the repository's own views say which)

    @property
    def production_label(self) -> str:
        return ", ".join(f"{target} {version}" for target, version in self.production) or "nothing deployed"

    @property
    def drift_label(self) -> str:
        return "; ".join(self.drift) or "none"

    @property
    def waiting_label(self) -> str:
        if not self.waiting:
            return "-"
        mine = sum(w.can_approve for w in self.waiting)
        return f"{len(self.waiting)} ({mine} on you)" if mine else str(len(self.waiting))


def summarise(snapshot: Snapshot, cd_workflow: str = "cd.yml") -> RepoSummary:
    behind = snapshot.releases_behind()
    production = tuple((s.target, s.label) for s in snapshot.states if s.environment == PRODUCTION)
    drift = [f"{target} {behind[target]} behind" for target in snapshot.targets if behind.get(target)]
    ahead = [t for t in snapshot.targets if snapshot.state(STAGING, t) is not None and staging_ahead(snapshot.images, t)]
    if ahead:
        drift.append(f"staging ahead: {', '.join(ahead)}")
    return RepoSummary(
        repo=snapshot.repo,
        fetched_at=snapshot.fetched_at,
        waiting=tuple(
            Waiting(snapshot.repo, run.id, f"{run.name} #{run.run_number}", run.head_branch or run.head_sha[:7],
                    approval.environment, approval.current_user_can_approve, run.updated_at)
            for run, approval in snapshot.approvals
        ),
        production=production,
        drift=tuple(drift),
        last_cd=_last_cd(snapshot, cd_workflow),
        warnings=len(snapshot.errors),
    )


def _last_cd(snapshot: Snapshot, cd_workflow: str) -> str:
    runs = snapshot.runs_of(cd_workflow)
    if not runs:
        return "no CD run yet"
    run = runs[0]
    return f"{run.outcome.replace('_', ' ')}: {run.name} #{run.run_number} on {run.head_branch or run.head_sha[:7]}"


def waiting_on_you(summaries: list[RepoSummary]) -> list[Waiting]:
    """Every deployment the signed-in user can review, across repositories, the longest-waiting first."""
    mine = [w for s in summaries for w in s.waiting if w.can_approve]
    return sorted(mine, key=lambda w: (w.since is None, w.since or datetime.min))
