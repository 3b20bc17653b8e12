"""Extract the response schemas of the GitHub endpoints the console reads from GitHub's OpenAPI
description (npm ``@octokit/openapi``), as plain JSON Schema, into ``github-subset.json``.

How the vendored file was made (offline tests read only the result)::

    cd "$(mktemp -d)" && npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python tests/data/openapi/extract.py package/generated/api.github.com.json 23.0.2 \
        > tests/data/openapi/github-subset.json

What changes from the description: ``$ref`` s are inlined (a reference back into itself becomes
``{"type": "object"}``), OpenAPI 3.0's ``nullable: true`` becomes a ``"null"`` type, and keywords that
are documentation only (``description``, ``example``, ``discriminator``, ...) are dropped. Nothing
is loosened here: the tests loosen it on purpose (see tests/properties/openapi.py).

When the console reads a new endpoint, add its operationId to ENDPOINTS and run this again.
"""

from __future__ import annotations

import json
import sys

# name used by the tests -> operationId in GitHub's description (every GET the console parses).
ENDPOINTS = {
    "user": "users/get-authenticated",
    "runs": "actions/list-workflow-runs",
    "run": "actions/get-workflow-run",
    "jobs": "actions/list-jobs-for-workflow-run",
    "pending": "actions/get-pending-deployments-for-run",
    "environments": "repos/get-all-environments",
    "deployments": "repos/list-deployments",
    "statuses": "repos/list-deployment-statuses",
    "compare": "repos/compare-commits-with-basehead",
    "dispatch": "actions/create-workflow-dispatch",
    "environment": "repos/get-environment",
    "protection_rules": "repos/get-all-deployment-protection-rules",
    "combined_status": "repos/get-combined-status-for-ref",
}
DOC_ONLY = {"description", "example", "examples", "discriminator", "readOnly", "writeOnly", "deprecated",
            "externalDocs", "xml", "title", "default", "x-github", "x-multi-segment",
            "x-github-breaking-changes"}


def convert(node, spec, seen=()):
    """Inline refs, turn ``nullable`` into a null type, drop documentation keywords."""
    if isinstance(node, list):
        return [convert(item, spec, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {"type": "object"}
        target = spec
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        return convert(target, spec, (*seen, ref))
    out = {}
    for key, value in node.items():
        if key in DOC_ONLY or key == "nullable":
            continue
        if key == "properties":  # property names are data, not keywords
            out[key] = {name: convert(sub, spec, seen) for name, sub in value.items()}
        else:
            out[key] = convert(value, spec, seen)
    if node.get("nullable"):
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        elif "enum" not in out:
            out = {"anyOf": [out, {"type": "null"}]}
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def main(path: str, version: str) -> None:
    with open(path, encoding="utf-8") as file:
        spec = json.load(file)
    operations = {op["operationId"]: (method, route, op) for route, item in spec["paths"].items()
                  for method, op in item.items() if isinstance(op, dict) and "operationId" in op}
    endpoints = {}
    for name, operation_id in ENDPOINTS.items():
        method, route, op = operations[operation_id]
        status = next(s for s in ("200", "201") if s in op["responses"])
        schema = op["responses"][status]["content"]["application/json"]["schema"]
        endpoints[name] = {"operationId": operation_id, "method": method.upper(), "path": route,
                           "schema": convert(schema, spec)}
    source = {"package": "@octokit/openapi", "version": version, "file": "generated/api.github.com.json",
              "openapi": spec["openapi"], "api_version": spec["info"]["version"]}
    json.dump({"source": source, "endpoints": endpoints}, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
