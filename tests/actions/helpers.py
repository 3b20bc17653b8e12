"""Reading the stand-ins directly (not through the code under test): ECR's tags and digests, the
write requests and dispatched runs GitHub's stand-in saw; moving a tag behind the console's back."""

from __future__ import annotations


def ecr_tags(sb, repository: str | None = None) -> dict[str, str]:
    """tag -> digest, straight from moto's ECR server (the staging repository unless named)."""
    client = sb.ecr_client()
    tags: dict[str, str] = {}
    for page in client.get_paginator("list_images").paginate(repositoryName=repository or sb.ecr_repository):
        for ref in page["imageIds"]:
            if "imageTag" in ref:
                tags[ref["imageTag"]] = ref["imageDigest"]
    return tags


def ecr_digests(sb, repository: str | None = None) -> set[str]:
    client = sb.ecr_client()
    return {
        ref["imageDigest"]
        for page in client.get_paginator("list_images").paginate(repositoryName=repository or sb.ecr_repository)
        for ref in page["imageIds"]
    }


def writes(sb) -> list[tuple[str, str]]:
    """Non-GET requests the GitHub stand-in received."""
    with sb.state.lock:
        return [(r.method, r.path) for r in sb.state.requests if r.method != "GET"]


def dispatches(sb) -> int:
    return sum(1 for method, path in writes(sb) if path.endswith("/dispatches"))


def dispatched_runs(sb) -> list:
    with sb.state.lock:
        return [r for r in sb.state.runs.values() if r.event == "workflow_dispatch"]


def put_tag(sb, tag: str, digest: str) -> None:
    """Point ``tag`` at ``digest`` behind the console's back (e.g. staging moved meanwhile)."""
    client = sb.ecr_client()
    image = client.batch_get_image(repositoryName=sb.ecr_repository, imageIds=[{"imageDigest": digest}])["images"][0]
    client.put_image(repositoryName=sb.ecr_repository, imageManifest=image["imageManifest"], imageTag=tag,
                     imageManifestMediaType=image.get("imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json"))


def delete_tag(sb, tag: str) -> None:
    sb.ecr_client().batch_delete_image(repositoryName=sb.ecr_repository, imageIds=[{"imageTag": tag}])
