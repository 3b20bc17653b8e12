"""Seed moto's ECR server with images described as rows (shared by tests/differential and
tests/properties): each image is a unique manifest named by a seed string, so its digest is known
before it is pushed (``digest(seed)``), with chosen tags, push time and repository; an image with
``children`` is a multi-platform index (OCI image index) listing them."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
REPO = "shop"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
BASE_TIME = 1_760_000_000  # push times are BASE_TIME + Img.pushed (seconds)


@dataclass(frozen=True)
class Img:
    """One image to seed: a unique manifest named by ``seed``, its tags, its push time (seconds after
    BASE_TIME; later = newer) and its repository. ``children``: seeds of images this one lists, making
    it a multi-platform index (OCI image index) instead of an image manifest."""

    seed: str
    tags: tuple[str, ...] = ()
    pushed: int = 0
    repository: str = REPO
    children: tuple[str, ...] = ()


def manifest(seed: str, children: tuple[str, ...] = ()) -> tuple[str, str]:
    """(body, media type) of the image named ``seed``: the same bytes every time it is asked for."""
    if children:
        doc: dict = {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {"mediaType": OCI_MANIFEST, "digest": digest(child), "size": len(manifest(child)[0]),
                 "platform": {"architecture": f"arch{n}", "os": "linux"}}
                for n, child in enumerate(children)
            ],
        }
        return json.dumps(doc, indent=2), OCI_INDEX
    doc = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 1000 + len(seed),
                   "digest": "sha256:" + hashlib.sha256(f"config-{seed}".encode()).hexdigest()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": 5000 + len(seed),
                    "digest": "sha256:" + hashlib.sha256(f"layer-{seed}".encode()).hexdigest()}],
    }
    return json.dumps(doc, indent=2), OCI_MANIFEST


def digest(seed: str, children: tuple[str, ...] = ()) -> str:
    """The digest ECR gives the image named ``seed`` (sha256 of its manifest bytes)."""
    return "sha256:" + hashlib.sha256(manifest(seed, children)[0].encode()).hexdigest()


def ecr_client(url: str):
    return boto3.client("ecr", endpoint_url=url, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed_registry(url: str, images: Iterable[Img], repositories: Iterable[str] = (REPO,)) -> None:
    """Reset the moto server at ``url``, create the repositories and push ``images``."""
    images = list(images)
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).read()
    client = ecr_client(url)
    for repository in dict.fromkeys([*repositories, *(i.repository for i in images)]):
        client.create_repository(repositoryName=repository)
    for image in sorted(images, key=lambda i: bool(i.children)):  # children before their index
        body, media_type = manifest(image.seed, image.children)
        for tag in image.tags or (None,):
            extra = {"imageTag": tag} if tag else {}
            client.put_image(repositoryName=image.repository, imageManifest=body, imageManifestMediaType=media_type,
                             imageDigest=digest(image.seed, image.children), **extra)
    _stamp_push_times(images)


def _stamp_push_times(images: list[Img]) -> None:
    # moto stamps each push with the current second; tests need a known order. The server runs in
    # this process (ThreadedMotoServer), so its backend is reachable.
    from moto.backends import get_backend

    wanted = {(i.repository, digest(i.seed, i.children)): BASE_TIME + i.pushed for i in images}
    backend = get_backend("ecr")[ACCOUNT][REGION]
    for repository in {i.repository for i in images}:
        for image in backend.repositories[repository].images:
            image.image_pushed_at = wanted.get((repository, image.get_image_digest()), BASE_TIME)
