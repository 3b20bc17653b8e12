"""``GET /repos/{owner}/{repo}/attestations/{subject_digest}``: the build-provenance attestations CD's
staging job made for a pushed digest (``actions/attest-build-provenance``), as Sigstore bundles whose
DSSE payload is the SLSA v1 in-toto statement GitHub writes. 404 when the digest has none.

The signature and certificate are placeholders: the console reads who made an attestation (the
statement's workflow repository and path), it does not verify signatures (``gh attestation verify``
does; the README says so).
"""

from __future__ import annotations

import base64
import json

from starlette.requests import Request

from console.sandbox.clock import iso
from console.sandbox.http_features import Reply, not_found
from console.sandbox.repository_json import HTML
from console.sandbox.state import AttestationRec, GitHubState

REPOSITORY_ID = 424242  # repository_json.minimal_repository's id
BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json"


def statement(st: GitHubState, record: AttestationRec, ref: str = "refs/heads/main") -> dict:
    repository = f"{HTML}/{st.full_name}"
    workflow = f".github/workflows/{record.workflow}"
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": f"{st.repo}", "digest": {"sha256": record.digest.removeprefix("sha256:")}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {"ref": ref, "repository": repository, "path": workflow}},
                "internalParameters": {"github": {"event_name": "workflow_run", "repository_id": str(REPOSITORY_ID)}},
                "resolvedDependencies": [{"uri": f"git+{repository}@{ref}", "digest": {"gitCommit": record.sha}}],
            },
            "runDetails": {
                "builder": {"id": f"{repository}/{workflow}@{ref}"},
                "metadata": {"invocationId": f"{repository}/actions/runs/{record.run_id}/attempts/1",
                             "startedOn": iso(record.created_at)},
            },
        },
    }


def attestation(api: str, st: GitHubState, record: AttestationRec) -> dict:
    payload = base64.b64encode(json.dumps(statement(st, record), separators=(",", ":")).encode()).decode()
    return {
        "bundle": {
            "mediaType": BUNDLE,
            "verificationMaterial": {"certificate": {"rawBytes": base64.b64encode(b"sandbox").decode()},
                                     "tlogEntries": [], "timestampVerificationData": {}},
            "dsseEnvelope": {"payload": payload, "payloadType": "application/vnd.in-toto+json",
                             "signatures": [{"sig": base64.b64encode(b"sandbox-signature").decode()}]},
        },
        "repository_id": REPOSITORY_ID,
        "bundle_url": f"{api}/_blobs/attestations/{record.id}",
    }


async def list_attestations(request: Request, st: GitHubState, api: str) -> Reply:
    digest = request.path_params["subject_digest"]
    with st.lock:
        records = list(st.attestations.get(digest, ()))
    if not records:
        return not_found()
    return Reply(200, {"attestations": [attestation(api, st, r) for r in records]})
