"""A large ECR registry in moto, seeded in-process (the fallback when the sandbox cannot seed one).

Seeding 10,000 images through ``put_image`` over HTTP is quadratic in moto (every put scans every
manifest): minutes. ``ThreadedMotoServer`` serves moto's in-process backends, so the images are
inserted into the backend directly and then read over HTTP like any other ECR.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta, timezone

ACCOUNT = "123456789012"
MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
LAYER_TYPE = "application/vnd.docker.image.rootfs.diff.tar.gzip"
RELEASE_EVERY = 20  # one release in every N builds


def quiet_moto() -> None:
    """Werkzeug logs one line per request; 10,000-image runs would drown the table."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)


def _hex(*parts: object) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()


def manifest_for(target: str, index: int) -> str:
    layers = [
        {"mediaType": LAYER_TYPE, "size": 20_000_000 + 1000 * n + index, "digest": "sha256:" + _hex(target, index, n)}
        for n in range(3)
    ]
    # moto reports the config blob's size as the image size, so make it the image's total.
    total = sum(layer["size"] for layer in layers)
    return json.dumps({
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": total,
                   "digest": "sha256:" + _hex("config", target, index)},
        "layers": layers,
    }, separators=(",", ":"))


def planned_tags(targets: tuple[str, ...], images: int) -> dict[str, list[list[str]]]:
    """Tags per target and build index (oldest first), following the tag contract of DESIGN.md."""
    plan: dict[str, list[list[str]]] = {}
    for number, target in enumerate(targets):
        per_target = images // len(targets) + (1 if number < images % len(targets) else 0)
        builds = [[f"sha-{_hex('commit', target, i)[:40]}-{target}"] for i in range(per_target)]
        releases = list(range(RELEASE_EVERY - 1, per_target, RELEASE_EVERY))
        for n, i in enumerate(releases):
            builds[i].append(f"v1.{n // 10}.{n % 10}-{target}")
        if releases:
            builds[releases[-1]].append(f"latest-{target}")
        if len(releases) > 1:
            builds[releases[-2]].append(f"previous-{target}")
        builds[-1].append(f"staging-{target}")
        plan[target] = builds
    return plan


def seed_large(repository: str, region: str, targets: tuple[str, ...], images: int,
               *, now: datetime | None = None) -> int:
    """Create ``repository`` (if needed) and insert ``images`` images spread evenly over ``targets``."""
    from moto.ecr.models import Image, ecr_backends

    backend = ecr_backends[ACCOUNT][region]
    if repository not in backend.repositories:
        backend.create_repository(repository_name=repository, registry_id=None, encryption_config=None,
                                  image_scan_config=None, image_tag_mutability="MUTABLE", tags=[])
    repo = backend.repositories[repository]
    now = now or datetime.now(timezone.utc)
    count = 0
    for target, builds in planned_tags(targets, images).items():
        for index, tags in enumerate(builds):
            manifest = manifest_for(target, index)
            image = Image(ACCOUNT, tags[0], manifest, repository, MANIFEST_TYPE,
                          "sha256:" + hashlib.sha256(manifest.encode()).hexdigest())
            image.image_tags.extend(tags[1:])
            image.image_pushed_at = int((now - timedelta(hours=6 * (len(builds) - index))).timestamp())
            repo.images.append(image)
            count += 1
    return count
