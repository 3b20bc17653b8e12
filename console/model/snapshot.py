"""Everything one refresh of the console knows, as one immutable value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.model.attestations import Provenance
from console.model.deployments import Deployment
from console.model.environments import (
    PendingApproval,
    RateLimit,
    TargetState,
    releases_behind_by_tags,
    tag_digests,
)
from console.model.images import Image
from console.model.rollbacks import RolledBack
from console.model.runs import WorkflowRun

SINGLE_REPOSITORY, TWO_REPOSITORIES = "single-repository", "two-repository"  # the ECR layouts


@dataclass(frozen=True)
class Snapshot:
    repo: str
    ecr_repository: str
    fetched_at: datetime
    targets: tuple[str, ...] = ()
    runs: tuple[WorkflowRun, ...] = ()  # newest first, all watched workflows
    images: tuple[Image, ...] = ()
    states: tuple[TargetState, ...] = ()  # per environment and target
    approvals: tuple[tuple[WorkflowRun, PendingApproval], ...] = ()
    deployments: tuple[Deployment, ...] = ()
    rate_limit: RateLimit | None = None
    errors: tuple[str, ...] = field(default=())  # partial failures, one sentence each
    # False after the TUI's cheap first load: ``images`` holds only the pointer-tagged images (the
    # full listing follows); ``behind`` (drift per target) is complete either way.
    images_complete: bool = True
    behind: tuple[tuple[str, int], ...] = ()
    # The two-repository layout's production repository (releases, latest-*, previous-*); None:
    # everything lives in ``ecr_repository``.
    production_repository: str | None = None
    # (digest, Provenance, line) for the images checked for a build-provenance attestation
    provenance: tuple[tuple[str, Provenance, str], ...] = ()
    # Production targets running a rolled-back image, until a later release ships them (rollbacks.py)
    rolled_back: tuple[RolledBack, ...] = ()

    @property
    def layout(self) -> dict[str, str]:
        """Which ECR layout is in use and where each kind of tag lives (``status --json``)."""
        production = self.production_repository or self.ecr_repository
        name = TWO_REPOSITORIES if self.production_repository else SINGLE_REPOSITORY
        return {"name": name, "staging_repository": self.ecr_repository, "production_repository": production}

    def releases_behind(self) -> dict[str, int]:
        """Production drift per target: release versions newer than what production runs."""
        if self.behind or not self.targets:
            return dict(self.behind)
        return releases_behind_by_tags(tag_digests(self.images), self.targets)

    def runs_of(self, workflow: str) -> tuple[WorkflowRun, ...]:
        return tuple(r for r in self.runs if r.workflow == workflow)

    def rolled_back_of(self, target: str) -> RolledBack | None:
        return next((r for r in self.rolled_back if r.target == target), None)

    def state(self, environment: str, target: str) -> TargetState | None:
        return next((s for s in self.states if s.environment == environment and s.target == target), None)
