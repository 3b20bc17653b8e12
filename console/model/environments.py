"""What each environment runs, per target, plus deployments and pending approvals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Mapping
from datetime import datetime, timedelta

from console.model.images import (
    Image,
    TagKind,
    find_by_tag,
    image_build_sha,
    image_target,
    image_version,
    parse_tag,
)

STAGING = "staging"
PRODUCTION = "production"

# Which pointer tag says what an environment runs.
ENVIRONMENT_TAG_PREFIX = {STAGING: "staging-", PRODUCTION: "latest-"}

# The bundled CD jobs set their environment url to the AWS console page of the digest they deployed
# (.github/scripts/lib/ecr.sh, ecr_output_image_url); GitHub keeps it as the status's environment_url.
_URL_DIGEST = re.compile(r"/image/(sha256:[0-9a-f]{64})/")


def ecr_image_url(region: str, registry_id: str, repository: str, digest: str) -> str:
    """The AWS console page of an image, as the deploy scripts write it."""
    return (f"https://{region}.console.aws.amazon.com/ecr/repositories/private/{registry_id}/{repository}"
            f"/_/image/{digest}/details?region={region}")


def digest_in_url(url: str) -> str | None:
    found = _URL_DIGEST.search(url)
    return found.group(1) if found else None


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
    run_id: int | None = None  # from the payload, when the workflow wrote it
    statuses: tuple[DeploymentStatus, ...] = ()  # newest first

    @property
    def state(self) -> str:
        return self.statuses[0].state if self.statuses else "pending"

    @property
    def digest(self) -> str | None:
        """The image this deployment shipped, from its newest status naming one (None: not recorded,
        e.g. a workflow without the environment url, or a job that failed before deploying)."""
        return next((d for s in self.statuses if (d := digest_in_url(s.environment_url))), None)


@dataclass(frozen=True)
class Environment:
    id: int
    name: str
    html_url: str = ""
    wait_timer_minutes: int = 0
    reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingApproval:
    run_id: int
    environment_id: int
    environment: str
    wait_timer_minutes: int
    wait_timer_started_at: datetime | None
    reviewers: tuple[str, ...]
    current_user_can_approve: bool

    def wait_remaining(self, now: datetime) -> timedelta:
        """Time left on the wait timer (zero when it has run out or there is none)."""
        if not self.wait_timer_minutes or self.wait_timer_started_at is None:
            return timedelta(0)
        end = self.wait_timer_started_at + timedelta(minutes=self.wait_timer_minutes)
        return max(end - now, timedelta(0))


@dataclass(frozen=True)
class TargetState:
    """What one environment runs for one target."""

    environment: str
    target: str
    digest: str | None
    version: str | None
    pushed_at: datetime | None
    deployment: Deployment | None = None  # the newest successful deployment there, if known
    commit: str | None = None  # the build's commit (from its sha-<commit>-<target> tag), if any

    @property
    def since(self) -> datetime | None:
        """When the environment got this image: its last successful deployment, if newer than the push."""
        times = [t for t in (self.pushed_at, self._deployed_at) if t is not None]
        return max(times, default=None)

    @property
    def _deployed_at(self) -> datetime | None:
        if self.deployment is None:
            return None
        done = [s.created_at for s in self.deployment.statuses if s.state == "success"]
        return max(done, default=self.deployment.created_at)

    @property
    def label(self) -> str:
        """The version, else the short build commit, else '-'."""
        return self.version or (f"sha {self.commit[:7]}" if self.commit else "-")


@dataclass(frozen=True)
class RateLimit:
    limit: int
    remaining: int
    used: int
    reset_at: datetime | None
    resource: str = "core"


def target_states(
    images: list[Image] | tuple[Image, ...],
    targets: tuple[str, ...],
    deployments: list[Deployment] | tuple[Deployment, ...] = (),
    environments: tuple[str, ...] = (STAGING, PRODUCTION),
) -> tuple[TargetState, ...]:
    """Per environment and target: the digest its pointer tag names, with version and deployment."""
    states: list[TargetState] = []
    for env in environments:
        prefix = ENVIRONMENT_TAG_PREFIX.get(env, f"{env}-")
        last = last_successful_deployment(deployments, env)
        for target in targets:
            image = find_by_tag(images, prefix + target)
            states.append(
                TargetState(
                    environment=env,
                    target=target,
                    digest=image.digest if image else None,
                    version=_version_of(image, images, targets),
                    pushed_at=image.pushed_at if image else None,
                    deployment=last,
                    commit=image_build_sha(image, targets) if image else None,
                )
            )
    return tuple(states)


def _version_of(image: Image | None, images, targets) -> str | None:
    if image is None:
        return None
    return image_version(image, targets)


def last_successful_deployment(
    deployments: list[Deployment] | tuple[Deployment, ...], environment: str
) -> Deployment | None:
    done = [d for d in deployments if d.environment == environment and d.state == "success"]
    return max(done, key=lambda d: d.created_at, default=None)


def deployment_targets(
    deployments: list[Deployment] | tuple[Deployment, ...],
    images: list[Image] | tuple[Image, ...],
    targets: tuple[str, ...],
) -> dict[int, str | None]:
    """Deployment id -> the target whose image it shipped (by the tag contract on the image with its
    digest); None when no digest was recorded or that image is no longer listed (pruned)."""
    by_digest = {image.digest: image for image in images}
    found: dict[int, str | None] = {}
    for deployment in deployments:
        image = by_digest.get(deployment.digest or "")
        found[deployment.id] = image_target(image, targets) if image else None
    return found


def running_digests(states: tuple[TargetState, ...]) -> frozenset[str]:
    """Digests some environment currently runs."""
    return frozenset(s.digest for s in states if s.digest)


def staging_ahead(images: list[Image] | tuple[Image, ...], target: str) -> bool:
    """True when staging runs a different digest from production for ``target``."""
    staging = find_by_tag(images, f"staging-{target}")
    prod = find_by_tag(images, f"latest-{target}")
    return staging is not None and (prod is None or staging.digest != prod.digest)


def version_key(version: str) -> tuple:
    """Order release versions: v1.10.0 after v1.9.0, and a pre-release (v1.2.0-rc1) before its release."""
    core, sep, suffix = version.lstrip("v").partition("-")
    numbers = tuple(int(n) if n.isdigit() else 0 for n in core.split("+")[0].split("."))
    return (numbers + (0,) * (3 - len(numbers)), not sep, suffix)


def releases_behind_by_tags(tag_digests: Mapping[str, str], targets: tuple[str, ...]) -> dict[str, int]:
    """Drift from tags alone (tag -> digest, as ``list_images`` gives): per target, how many release
    versions are newer, by version order, than the one production (``latest-<target>``) runs. No
    production: every release; production on an unreleased build: every release of another digest."""
    releases: dict[str, list[tuple[str, str]]] = {t: [] for t in targets}
    for tag, digest in tag_digests.items():
        info = parse_tag(tag, targets)
        if info.kind is TagKind.RELEASE and info.version and info.target in releases:
            releases[info.target].append((info.version, digest))
    behind: dict[str, int] = {}
    for target, found in releases.items():
        prod = tag_digests.get(f"latest-{target}")
        prod_versions = [version_key(v) for v, d in found if d == prod]
        if prod is None:
            behind[target] = len(found)
        elif not prod_versions:
            behind[target] = sum(1 for _, d in found if d != prod)
        else:
            newest = max(prod_versions)
            behind[target] = sum(1 for v, d in found if d != prod and version_key(v) > newest)
    return behind


def tag_digests(images: list[Image] | tuple[Image, ...]) -> dict[str, str]:
    """tag -> digest of a listing (a tag names one image)."""
    return {tag: image.digest for image in images for tag in image.tags}
