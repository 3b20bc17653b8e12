"""Everything one refresh of the console knows, as one immutable value."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.model.environments import Deployment, PendingApproval, RateLimit, TargetState
from console.model.images import Image
from console.model.runs import WorkflowRun


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

    def runs_of(self, workflow: str) -> tuple[WorkflowRun, ...]:
        return tuple(r for r in self.runs if r.workflow == workflow)

    def state(self, environment: str, target: str) -> TargetState | None:
        return next((s for s in self.states if s.environment == environment and s.target == target), None)
