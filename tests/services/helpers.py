"""Helpers for the service tests (imported by name: pytest puts this directory on sys.path)."""

from __future__ import annotations

import hashlib
import json
import socket

import boto3

REGION = "us-east-1"
REPO = "shop"


def client(endpoint: str):
    return boto3.client(
        "ecr", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing"
    )


def manifest(seed: str, *, media_type: str | None = "application/vnd.oci.image.manifest.v1+json") -> str:
    """A small, unique image manifest (only manifests matter to the console; layers never move)."""
    layer = "sha256:" + hashlib.sha256(seed.encode()).hexdigest()
    config = "sha256:" + hashlib.sha256(("config" + seed).encode()).hexdigest()
    doc: dict = {
        "schemaVersion": 2,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": 1000 + len(seed)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer, "size": 12345}],
    }
    if media_type:
        doc = {"mediaType": media_type, **doc}
    return json.dumps(doc, sort_keys=True)


def push(endpoint: str, seed: str, *tags: str, media_type: str | None = "application/vnd.oci.image.manifest.v1+json") -> str:
    """Put one image under ``tags``; returns its digest (sha256 of the manifest, as real ECR does)."""
    body = manifest(seed, media_type=media_type)
    digest = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
    ecr = client(endpoint)
    for tag in tags:
        kwargs = {"imageManifestMediaType": media_type or "application/vnd.oci.image.manifest.v1+json"}
        ecr.put_image(repositoryName=REPO, imageManifest=body, imageTag=tag, imageDigest=digest, **kwargs)
    return digest


def tags_of(endpoint: str) -> dict[str, str]:
    """tag -> digest, straight from the server."""
    out = {}
    for detail in client(endpoint).describe_images(repositoryName=REPO)["imageDetails"]:
        for tag in detail.get("imageTags", ()):
            out[tag] = detail["imageDigest"]
    return out


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
