"""What each environment runs, per target, plus deployments and pending approvals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from console.model.deployments import (  # noqa: F401 (re-exported: the model's public names)
    Attribution,
    Deployment,
    DeploymentStatus,
    attribute,
    digest_in_url,
    digest_targets,
    ecr_image_url,
    shipped_by_target,
)
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
_CORE_RE = re.compile(r"\d+(?:\.\d+){0,2}")  # a version's numeric fields: major[.minor[.patch]]

@dataclass(frozen=True)
class Environment:
    id: int
    name: str
    html_url: str = ""
    wait_timer_minutes: int = 0
    reviewers: tuple[str, ...] = ()
    prevent_self_review: bool = False  # whoever started the run may not approve it


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
    """What one environment runs for one target, and which deployment put it there."""

    environment: str
    target: str
    digest: str | None
    version: str | None
    pushed_at: datetime | None
    commit: str | None = None  # the build's commit (from its sha-<commit>-<target> tag), if any
    attribution: Attribution = field(default_factory=Attribution)

    @property
    def deployment(self) -> Deployment | None:
        """The deployment that put this digest here (None: nothing runs, or unknown)."""
        return self.attribution.deployment

    @property
    def since(self) -> datetime | None:
        """When this environment got this digest (None: unknown, see ``attribution.unknown``)."""
        return self.attribution.since

    @property
    def run_id(self) -> int | None:
        return self.deployment.run_id if self.deployment else None

    @property
    def label(self) -> str:
        """The version, else the short build commit, else 'digest' (an image with neither), else '-'."""
        return self.version or (f"sha {self.commit[:7]}" if self.commit else "digest" if self.digest else "-")


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
    tags: Mapping[str, str] | None = None,
) -> tuple[TargetState, ...]:
    """Per environment and target: the digest its pointer tag names, with version and the deployment
    that put it there. ``tags`` (tag -> digest of the whole repository) names the target of images
    that ``images`` may leave out (a pointers-only listing); default: the tags of ``images``."""
    target_of = digest_targets(tag_digests(images) if tags is None else tags,
                               lambda tag: parse_tag(tag, targets).target)
    states: list[TargetState] = []
    for env in environments:
        prefix = ENVIRONMENT_TAG_PREFIX.get(env, f"{env}-")
        shipped = shipped_by_target(deployments, env, target_of)
        for target in targets:
            image = find_by_tag(images, prefix + target)
            digest = image.digest if image else None
            states.append(
                TargetState(
                    environment=env,
                    target=target,
                    digest=digest,
                    version=image_version(image, targets) if image else None,
                    pushed_at=image.pushed if image else None,
                    commit=image_build_sha(image, targets) if image else None,
                    attribution=attribute(shipped.get(target, []), digest, prefix + target),
                )
            )
    return tuple(states)


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


def version_key(version: str) -> tuple[Any, ...]:
    """The one order of release versions (drift, the release-order check, the rollback dialog's list),
    the same as the workflows' ``version_cmp`` (.github/scripts/lib/common.sh), SemVer's: v1.10.0 after
    v1.9.0, v1 = v1.0.0; a pre-release below its release (v1.2.0-rc.1 < v1.2.0), its fields by number
    when numeric (rc.2 < rc.10), numbers below text; build metadata (+…) ignored."""
    release = version.removeprefix("v").partition("+")[0]
    core = _CORE_RE.match(release)
    numbers = tuple(int(n) for n in core[0].split(".")) if core else ()
    rest = release[core.end() if core else 0:]
    rest = rest[1:] if rest[:1] in ("-", ".") else rest
    # (0, n) for a number, (1, text) for text; a tuple ranks a longer list of equal fields higher.
    fields = tuple((0, int(f), "") if f.isdigit() else (1, 0, f) for f in re.split(r"[.-]", rest)) if rest else ()
    return (numbers + (0,) * (3 - len(numbers)), not fields, fields)


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
