"""Domain model: frozen dataclasses and pure functions. No I/O, no Textual."""

from console.model.deployments import Deployment, DeploymentStatus
from console.model.environments import (
    PRODUCTION,
    STAGING,
    Environment,
    PendingApproval,
    RateLimit,
    TargetState,
)
from console.model.images import Image, TagInfo, TagKind
from console.model.plans import PruneItem, PrunePlan, RollbackPlan, RollbackStep
from console.model.runs import Job, Step, WorkflowRun
from console.model.snapshot import Snapshot

__all__ = [
    "PRODUCTION",
    "STAGING",
    "Deployment",
    "DeploymentStatus",
    "Environment",
    "Image",
    "Job",
    "PendingApproval",
    "PruneItem",
    "PrunePlan",
    "RateLimit",
    "RollbackPlan",
    "RollbackStep",
    "Snapshot",
    "Step",
    "TagInfo",
    "TagKind",
    "TargetState",
    "WorkflowRun",
]
