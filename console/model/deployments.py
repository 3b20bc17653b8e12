"""Deployments and which one put each target's image in an environment (attribution).

A GitHub deployment of the bundled CD workflow is one matrix leg (one target): its statuses carry the
environment url the job recorded (the AWS console page of the digest it left the environment on) and
the log url of the job (``…/actions/runs/<run id>/job/<job id>``). From those two the console says,
per (environment, target), which deployment put *that digest* there, when, and through which run —
or that it cannot tell (``unknown``), never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

# The bundled CD jobs set their environment url to the AWS console page of the digest they deployed
# (.github/scripts/lib/ecr.sh, ecr_output_image_url); GitHub keeps it as the status's environment_url.
_URL_DIGEST = re.compile(r"/image/(sha256:[0-9a-f]{64})/")
# GitHub Actions writes the statuses of an environment job's deployment with the job's page as
# log_url (target_url): …/actions/runs/<run id>/job/<job id>.
_URL_RUN = re.compile(r"/actions/runs/(\d+)(?:/|$|\?)")


def ecr_image_url(region: str, registry_id: str, repository: str, digest: str) -> str:
    """The AWS console page of an image, as the deploy scripts write it."""
    return (f"https://{region}.console.aws.amazon.com/ecr/repositories/private/{registry_id}/{repository}"
            f"/_/image/{digest}/details?region={region}")


def digest_in_url(url: str) -> str | None:
    found = _URL_DIGEST.search(url)
    return found.group(1) if found else None


def run_in_url(url: str) -> int | None:
    """The workflow run id a GitHub Actions job or run page names, else None."""
    found = _URL_RUN.search(url)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class DeploymentStatus:
    state: str  # success, failure, in_progress, queued, pending, error, inactive
    created_at: datetime
    creator: str = ""
    description: str = ""
    log_url: str = ""  # usually the workflow run URL
    environment_url: str = ""  # the bundled workflows: the AWS console page of the deployed digest


@dataclass(frozen=True)
class Deployment:
    id: int
    environment: str
    ref: str
    sha: str
    creator: str
    created_at: datetime
    description: str = ""
    task: str = "deploy"
    run_id: int | None = None  # the run that created it (see github_parse.deployment_run_id), if known
    statuses: tuple[DeploymentStatus, ...] = ()  # newest first

    @property
    def state(self) -> str:
        return self.statuses[0].state if self.statuses else "pending"

    @property
    def digest(self) -> str | None:
        """The image this deployment shipped, from its newest status naming one (None: not recorded,
        e.g. a workflow without the environment url, or a job that failed before deploying)."""
        return next((d for s in self.statuses if (d := digest_in_url(s.environment_url))), None)

    @property
    def recorded_at(self) -> datetime | None:
        """When the job recorded its digest: the oldest status naming one (GitHub writes the url
        when the job ends; later statuses, e.g. inactive, may repeat it)."""
        return next((s.created_at for s in reversed(self.statuses) if digest_in_url(s.environment_url)), None)


@dataclass(frozen=True)
class Attribution:
    """Which deployment put an environment's current digest of one target there, or why unknown."""

    deployment: Deployment | None = None
    since: datetime | None = None  # when that deployment recorded the digest
    unknown: str = ""  # why the console cannot tell (empty when ``deployment`` is set)


def digest_targets(tags: Mapping[str, str], target_of_tag: Callable[[str], str | None]) -> dict[str, str]:
    """digest -> target, from a tag -> digest listing and a function naming a tag's target."""
    found: dict[str, str] = {}
    for tag, digest in tags.items():
        target = target_of_tag(tag)
        if target:
            found.setdefault(digest, target)
    return found


def shipped_by_target(
    deployments: Iterable[Deployment], environment: str, target_of: Mapping[str, str]
) -> dict[str, list[Deployment]]:
    """target -> the deployments of ``environment`` that recorded an image of that target, newest
    record first. A deployment whose image is gone from ECR (pruned) has no known target and is left
    out: nothing can run a pruned image, so it cannot be what a target runs now."""
    found: dict[str, list[Deployment]] = {}
    for deployment in deployments:
        if deployment.environment != environment or deployment.digest is None:
            continue
        target = target_of.get(deployment.digest)
        if target:
            found.setdefault(target, []).append(deployment)
    for listed in found.values():
        listed.sort(key=lambda d: (d.recorded_at, d.id), reverse=True)
    return found


def attribute(shipped: list[Deployment], digest: str | None, pointer: str) -> Attribution:
    """The deployment behind ``digest`` (what ``pointer``, e.g. latest-runtime, names now), given
    that target's deployments in one environment, newest first. Only the newest counts: when it
    recorded another digest, the pointer moved later without a deployment (direct mode, by hand),
    and an older deployment of the same digest would be a guess."""
    if digest is None:
        return Attribution()
    if not shipped:
        return Attribution(unknown=f"no recent deployment recorded the digest {pointer} names")
    newest = shipped[0]
    if newest.digest != digest:
        return Attribution(unknown=f"{pointer} moved after deployment {newest.id} without a deployment")
    return Attribution(newest, newest.recorded_at)
