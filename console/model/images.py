"""ECR images and the tag contract (README.md, "The tag contract"; docs/ARCHITECTURE.md).

| tag                       | kind       |
|---------------------------|------------|
| ``sha-<40 hex>-<target>`` | build      |
| ``staging-<target>``      | staging    |
| ``<version>-<target>``    | release    |
| ``latest-<target>``       | latest     |
| ``previous-<target>``     | previous   |

Targets may contain dashes (``api-server``), so a tag is parsed against the known target names,
longest first; :func:`discover_targets` finds them from the pointer tags.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from console.errors import PlanError

DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
BUILD_RE = re.compile(r"^sha-(?P<sha>[0-9a-f]{40})-(?P<target>.+)$")
VERSION_RE = re.compile(r"^v\d+(\.\d+){0,2}([-+.][0-9A-Za-z.]+)*$")
POINTER_PREFIXES = ("latest-", "previous-", "staging-")
NO_PUSH_TIME = datetime.fromtimestamp(0, UTC)  # ECR reported none: shown as unknown, sorts oldest


class TagKind(str, Enum):
    BUILD = "build"
    STAGING = "staging"
    RELEASE = "release"
    LATEST = "latest"
    PREVIOUS = "previous"
    OTHER = "other"


@dataclass(frozen=True)
class TagInfo:
    tag: str
    kind: TagKind
    target: str | None
    version: str | None = None  # for releases
    sha: str | None = None  # for builds


@dataclass(frozen=True)
class Image:
    digest: str
    tags: tuple[str, ...]
    pushed_at: datetime
    size_bytes: int = 0  # 0: ECR reported none (a multi-platform index has no size of its own)
    media_type: str | None = None
    status: str = "ACTIVE"  # ECR imageStatus: ACTIVE, ARCHIVED (archive storage class), ACTIVATING (restoring)

    @property
    def short_digest(self) -> str:
        return short_digest(self.digest)

    @property
    def archived(self) -> bool:
        """In ECR's archive or on its way back: it cannot be pulled, so production must never be
        rolled back to it until it is restored."""
        return self.status != "ACTIVE"

    @property
    def pushed(self) -> datetime | None:
        """The push time, or None when ECR did not report one."""
        return None if self.pushed_at == NO_PUSH_TIME else self.pushed_at


def short_digest(digest: str | None) -> str:
    if not digest:
        return "-"
    return digest.split(":", 1)[-1][:12]


def is_digest(value: str) -> bool:
    return bool(DIGEST_RE.match(value))


def discover_targets(tags: list[str] | tuple[str, ...] | set[str]) -> tuple[str, ...]:
    """Target names found in pointer and build tags, sorted."""
    found: set[str] = set()
    for tag in tags:
        for prefix in POINTER_PREFIXES:
            if tag.startswith(prefix) and len(tag) > len(prefix):
                found.add(tag[len(prefix) :])
        match = BUILD_RE.match(tag)
        if match:
            found.add(match["target"])
    return tuple(sorted(found))


def known_targets(configured: tuple[str, ...] | list[str] | None, tags: list[str] | tuple[str, ...] | set[str]) -> tuple[str, ...]:
    """The targets every tag is parsed against: the config's, else those the pointer and build tags name.

    Never narrowed by ``--target`` (a selection, :func:`select_targets`): parsed against ``api``
    alone, ``v1.2.0-server-api`` would read as api's release ``v1.2.0-server``."""
    return tuple(configured or ()) or discover_targets(tags)  # None: not configured


def select_targets(known: tuple[str, ...], wanted: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``wanted`` (``--target``), checked against the known targets; all of them when none is wanted."""
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise PlanError(f"Unknown target '{unknown[0]}'; known targets: {', '.join(known) or 'none found in ECR'}.")
    return tuple(wanted) or known


def ambiguous_tags(tags: list[str] | tuple[str, ...] | set[str], known: tuple[str, ...]) -> dict[str, str]:
    """Release tags whose target cannot be told: ``v1.2.0-server-api`` when ``api`` is a known target,
    ``server-api`` is not (the config lists only ``api``) but the pointer tags show it exists. Such a
    tag is reported, not read as api's ``v1.2.0-server``."""
    unlisted = [t for t in discover_targets(tags) if t not in known]
    found: dict[str, str] = {}
    for tag in tags:
        for other in unlisted:
            if tag.endswith("-" + other) and parse_tag(tag, known).kind is TagKind.RELEASE:
                found[tag] = (f"tag {tag}: is it a release of '{parse_tag(tag, known).target}' or of '{other}'? "
                              f"add '{other}' to the config's targets")
    return found


def parse_tag(tag: str, targets: tuple[str, ...] | list[str]) -> TagInfo:
    """Interpret one tag against the known targets (longest target name wins)."""
    # Memoised: grouping, versions and the environment columns each parse every tag of a 10,000-image listing.
    return _parse_tag(tag, tuple(targets))


@functools.lru_cache(maxsize=65_536)
def _parse_tag(tag: str, targets: tuple[str, ...]) -> TagInfo:
    if tag.startswith("sha-"):  # most tags are builds; no pointer or release tag starts like this
        build = BUILD_RE.match(tag)
        if build and build["target"] in targets:
            return TagInfo(tag, TagKind.BUILD, build["target"], sha=build["sha"])
        return TagInfo(tag, TagKind.OTHER, None)
    for prefix, kind in (
        ("latest-", TagKind.LATEST),
        ("previous-", TagKind.PREVIOUS),
        ("staging-", TagKind.STAGING),
    ):
        if tag.startswith(prefix) and tag[len(prefix) :] in targets:
            return TagInfo(tag, kind, tag[len(prefix) :])
    for target in sorted(targets, key=len, reverse=True):
        suffix = "-" + target
        if tag.endswith(suffix):
            version = tag[: -len(suffix)]
            if VERSION_RE.match(version):
                return TagInfo(tag, TagKind.RELEASE, target, version=version)
    return TagInfo(tag, TagKind.OTHER, None)


def image_target(image: Image, targets: tuple[str, ...] | list[str]) -> str | None:
    """The target an image belongs to, from its first tag that names one."""
    for tag in image.tags:
        info = parse_tag(tag, targets)
        if info.target:
            return info.target
    return None


def image_version(image: Image, targets: tuple[str, ...] | list[str]) -> str | None:
    """The release version an image carries (normally at most one), else None."""
    for tag in image.tags:  # a plain loop: runs for each of 10,000 images in --json
        info = parse_tag(tag, targets)
        if info.kind is TagKind.RELEASE and info.version:
            return info.version
    return None


def image_build_sha(image: Image, targets: tuple[str, ...] | list[str]) -> str | None:
    for tag in image.tags:
        info = parse_tag(tag, targets)
        if info.kind is TagKind.BUILD:
            return info.sha
    return None


def partition_by_target(
    images: list[Image] | tuple[Image, ...], targets: tuple[str, ...] | list[str]
) -> tuple[dict[str, tuple[Image, ...]], tuple[Image, ...]]:
    """(images per target, images with no target tag), newest push first, in one pass over the tags."""
    groups: dict[str, list[Image]] = {t: [] for t in targets}
    strays: list[Image] = []
    for image in images:
        target = image_target(image, targets)
        (strays if target is None else groups[target]).append(image)
    return {t: _newest_first(imgs) for t, imgs in groups.items()}, tuple(strays)


def _newest_first(images: list[Image]) -> tuple[Image, ...]:
    return tuple(sorted(images, key=lambda i: (i.pushed_at, i.digest), reverse=True))


def group_by_target(
    images: list[Image] | tuple[Image, ...], targets: tuple[str, ...] | list[str]
) -> dict[str, tuple[Image, ...]]:
    """Images per target, newest push first. Images with no target tag are left out."""
    return partition_by_target(images, targets)[0]


def find_by_tag(images: list[Image] | tuple[Image, ...], tag: str) -> Image | None:
    return next((i for i in images if tag in i.tags), None)


def tag_digest(images: list[Image] | tuple[Image, ...], tag: str) -> str | None:
    """The digest ``tag`` names, or None when no image carries it."""
    image = find_by_tag(images, tag)
    return image.digest if image else None
