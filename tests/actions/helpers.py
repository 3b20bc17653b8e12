"""Reading the stand-ins directly (not through the code under test), and running a command for its
--json document checked against docs/schemas."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from console.cli import main


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


SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"


def _schema(path: Path) -> dict:
    """The schema, identified by its file's URI: its "$ref"s name sibling files, as check-jsonschema reads them."""
    return {**json.loads(path.read_text()), "$id": path.as_uri()}


def validator(action: str) -> Draft202012Validator:
    schemas = [_schema(path) for path in SCHEMAS.glob("*.schema.json")]
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    schema = _schema(SCHEMAS / f"{action}.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def scripted(argv: list[str], capsys, schema: str) -> tuple[int, dict, str]:
    """Run one command; its stdout must be exactly one document valid against ``schema``."""
    capsys.readouterr()
    code = main([*argv, "--json"])
    out, err = capsys.readouterr()
    document = json.loads(out)  # one document and nothing else: a second one or a prompt would not parse
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(schema).iter_errors(document)]
    assert not errors, errors
    assert document["exit_code"] == code and "Traceback" not in err
    return code, document, err
