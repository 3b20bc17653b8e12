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
    it a multi-platform index (OCI image index) instead of an image manifest; ECR reports no size for
    an index. ``status``: see ``teach_moto_image_status``."""

    seed: str
    tags: tuple[str, ...] = ()
    pushed: int | None = 0  # None: ECR reports no push time
    repository: str = REPO
    children: tuple[str, ...] = ()
    status: str = "ACTIVE"  # imageStatus: ACTIVE, ARCHIVED (archive storage class) or ACTIVATING


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
    _stamp(images)


def _stamp(images: list[Img]) -> None:
    """Push times and image status, set on moto's own objects: moto stamps each push with the current
    second, and has no archive. The server runs in this process (ThreadedMotoServer), so its backend is
    reachable, and what it then serves goes through its real serializer and botocore's parser."""
    from moto.backends import get_backend

    by_key = {(i.repository, digest(i.seed, i.children)): i for i in images}
    backend = get_backend("ecr")[ACCOUNT][REGION]
    for repository in {i.repository for i in images}:
        for image in backend.repositories[repository].images:
            row = by_key.get((repository, image.get_image_digest()))
            if row is None:  # an index's child pushed implicitly
                image.image_pushed_at = BASE_TIME
            else:
                image.image_pushed_at = None if row.pushed is None else BASE_TIME + row.pushed
            if row and row.status != "ACTIVE":
                image.image_status = row.status  # serialized as imageStatus


def teach_moto_image_status(monkeypatch) -> None:
    """Real ECR's rule for archived images, which moto 5.2.1 lacks (it ignores the filter): ListImages
    and DescribeImages return only ACTIVE images unless ``filter.imageStatus`` asks for ARCHIVED,
    ACTIVATING or ANY. A console that forgot the filter would then miss archived images here as it
    would on AWS. (DescribeImages by imageIds is left unfiltered.)"""
    from moto.ecr.responses import ECRResponse

    def wanted(response) -> str:
        return (response._get_param("filter", {}) or {}).get("imageStatus", "ACTIVE")

    def keep(status: str, want: str) -> bool:
        return want == "ANY" or status == want

    original_describe, original_list = ECRResponse.describe_images, ECRResponse.list_images

    def describe_images(self):
        result = original_describe(self)
        if not self._get_param("imageIds"):
            details = result.result["imageDetails"]
            details[:] = [i for i in details if keep(getattr(i, "image_status", "ACTIVE"), wanted(self))]
        return result

    def list_images(self):
        result = original_list(self)
        repository = self.ecr_backend.repositories[self._get_param("repositoryName")]
        status = {i.get_image_digest(): getattr(i, "image_status", "ACTIVE") for i in repository.images}
        ids = result.result["imageIds"]
        ids[:] = [i for i in ids if keep(status.get(i["imageDigest"], "ACTIVE"), wanted(self))]
        return result

    monkeypatch.setattr(ECRResponse, "describe_images", describe_images)
    monkeypatch.setattr(ECRResponse, "list_images", list_images)
