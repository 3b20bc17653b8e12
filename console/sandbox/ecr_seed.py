"""moto's ECR: the repository, seeded images (realistic sizes, push dates over weeks), and image pushes.

Seeding writes moto's backend directly (10,000 ``put_image`` calls are quadratic in moto); what it
writes is exactly what ``put_image`` would store, so the API cannot tell the difference: the digest
is the sha256 of the manifest, like real ECR, and ``imageSizeInBytes`` is the manifest's size field
(moto reports ``config.size``). Pushes during the simulation go through the API.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import boto3

from console.model.deployments import ecr_image_url

if TYPE_CHECKING:
    from moto.ecr.models import ECRBackend

# botocore builds its clients at run time and CI installs no boto3 stubs: to mypy a client is Any.
EcrClient: TypeAlias = Any

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
CONFIG = "application/vnd.docker.container.image.v1+json"
BASE_SIZES = (48_000_000, 182_000_000, 331_000_000, 96_000_000)  # per target index, bytes


@dataclass
class ImageSeed:
    target: str
    sha: str
    manifest: str
    digest: str
    size: int
    pushed_at: datetime
    tags: list[str] = field(default_factory=list)


def _hex(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def make_manifest(seed: int, sha: str, target: str, target_index: int) -> tuple[str, str, int]:
    """A deterministic Docker v2 manifest for one build: (manifest, digest, size in bytes)."""
    jitter = int(_hex(seed, sha, target, "size")[:6], 16) % 9_000_000
    size = BASE_SIZES[target_index % len(BASE_SIZES)] + jitter
    layers = [
        # The base layers are shared by every build of a target (like a real base image).
        {"mediaType": LAYER, "size": size // 2, "digest": "sha256:" + _hex(seed, target, "base")},
        {"mediaType": LAYER, "size": size // 3, "digest": "sha256:" + _hex(seed, target, "deps", sha[:2])},
        {"mediaType": LAYER, "size": size - size // 2 - size // 3, "digest": "sha256:" + _hex(seed, sha, target, "app")},
    ]
    # moto reports config.size as the image size (real ECR sums the layers); carry the total there.
    doc = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": CONFIG, "size": size, "digest": "sha256:" + _hex(seed, sha, target, "config")},
        "layers": layers,
    }
    manifest = json.dumps(doc, separators=(",", ":"))  # the C encoder: 10,000 manifests in ~0.1 s
    return manifest, "sha256:" + hashlib.sha256(manifest.encode()).hexdigest(), size


def account_id() -> str:
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def image_url(region: str, repository: str, digest: str) -> str:
    """What cd.yml's deploy jobs record as their environment url: the image's AWS console page."""
    return ecr_image_url(region, account_id(), repository, digest)


def backend(region: str) -> ECRBackend:
    from moto.backends import get_backend

    return get_backend("ecr")[account_id()][region]


DUMMY_KEY = "sandbox"  # moto accepts any credentials; the test process may have none


def session(region: str) -> boto3.Session:
    """A boto3 session with the sandbox's dummy credentials (never the user's)."""
    return boto3.Session(aws_access_key_id=DUMMY_KEY, aws_secret_access_key=DUMMY_KEY, region_name=region)


@functools.lru_cache(maxsize=8)
def client(endpoint_url: str, region: str) -> EcrClient:
    """A boto3 ECR client with dummy credentials (cached: building one costs ~0.2 s; clients are thread-safe)."""
    return session(region).client("ecr", endpoint_url=endpoint_url)


# The repository as the README's setup makes it: releases and builds immutable, pointer tags moving,
# a lifecycle policy for untagged images only.
POINTER_EXCLUSIONS = [{"filterType": "WILDCARD", "filter": f"{p}-*"} for p in ("latest", "previous", "staging")]
UNTAGGED_ONLY = ('{"rules":[{"rulePriority":1,"description":"expire untagged","selection":{"tagStatus":"untagged",'
                 '"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}')


def create_repository(endpoint_url: str, region: str, repository: str) -> None:
    ecr = client(endpoint_url, region)
    ecr.create_repository(
        repositoryName=repository, imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=POINTER_EXCLUSIONS, imageScanningConfiguration={"scanOnPush": True},
    )
    ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=UNTAGGED_ONLY)


def install(region: str, repository: str, images: list[ImageSeed], production: str | None = None) -> None:
    """Store ``images`` in moto's backend (oldest first, like pushes would have). ``production``: the
    two-repository layout, where release, ``latest-`` and ``previous-`` tags live in that repository
    (the same digest, copied there by the promotion) and the rest in ``repository``."""
    from console.services.registry import is_production_tag

    for seed in sorted(images, key=lambda i: i.pushed_at):
        if production is None:
            _store(region, repository, seed, seed.tags)
            continue
        released = [t for t in seed.tags if is_production_tag(t)]
        _store(region, repository, seed, [t for t in seed.tags if t not in released])
        _store(region, production, seed, released)


def _store(region: str, repository: str, seed: ImageSeed, tags: list[str]) -> None:
    from moto.ecr.models import Image

    if not tags:
        return
    image = Image(account_id(), tags[0], seed.manifest, repository, DOCKER_MANIFEST, seed.digest)
    for tag in tags[1:]:
        image.update_tag(tag)
    image.image_pushed_at = int(seed.pushed_at.timestamp())
    backend(region).repositories[repository].images.append(image)


def push(ecr: EcrClient, repository: str, region: str, seed: ImageSeed) -> None:
    """Push one build through the API (``put_image``), then date it in simulated time."""
    ecr.put_image(repositoryName=repository, imageManifest=seed.manifest, imageTag=seed.tags[0],
                  imageManifestMediaType=DOCKER_MANIFEST, imageDigest=seed.digest)
    set_pushed_at(region, repository, seed.digest, seed.pushed_at)


def set_pushed_at(region: str, repository: str, digest: str, when: datetime) -> None:
    for image in backend(region).repositories[repository].images:
        if image.get_image_digest() == digest:
            image.image_pushed_at = int(when.timestamp())
