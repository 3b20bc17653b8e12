"""Build provenance: does an image's digest carry an attestation made by this repository's CI/CD?

GitHub's attestations API (``GET /repos/{owner}/{repo}/attestations/{digest}``) returns Sigstore
bundles; the DSSE payload is an in-toto statement whose SLSA predicate names the workflow that
built the image (repository and path). The console reads that claim to say "attested by cd.yml";
it does not verify signatures (``gh attestation verify`` does).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Provenance(str, Enum):
    ATTESTED = "attested"  # by a workflow of this repository (ci/cd)
    OTHER = "other"  # attestations exist, none from this repository's ci/cd workflows
    NONE = "none"  # GitHub has no attestation for the digest
    UNKNOWN = "unknown"  # not checked, or GitHub could not tell


PROVENANCE_MARK = {Provenance.ATTESTED: "✓", Provenance.OTHER: "≠", Provenance.NONE: "✗", Provenance.UNKNOWN: "?"}


@dataclass(frozen=True)
class Attestation:
    repository: str | None  # OWNER/NAME of the workflow that made it
    workflow: str | None  # its path, e.g. ".github/workflows/cd.yml"
    run_url: str | None


def parse_attestation(item: Any) -> Attestation:
    """One item of the API's ``attestations`` list; fields it lacks stay None (never raises)."""
    bundle = item.get("bundle") if isinstance(item, dict) else None
    envelope = bundle.get("dsseEnvelope") if isinstance(bundle, dict) else None
    statement = _decode(envelope.get("payload")) if isinstance(envelope, dict) else None
    predicate = statement.get("predicate") if isinstance(statement, dict) else None
    if not isinstance(predicate, dict):
        return Attestation(None, None, None)
    workflow = _dig(predicate, "buildDefinition", "externalParameters", "workflow") or {}
    repository = str(workflow.get("repository") or "").rstrip("/")  # https://HOST/OWNER/NAME
    return Attestation(
        repository="/".join(repository.split("/")[-2:]) if repository.count("/") >= 2 else None,
        workflow=str(workflow.get("path")) if workflow.get("path") else None,
        run_url=_dig(predicate, "runDetails", "metadata", "invocationId"),
    )


def provenance_of(attestations: list[Attestation], repo: str, workflows: tuple[str, ...]) -> tuple[Provenance, str]:
    """(verdict, one line) for a digest: from this repository's ci/cd workflows, or not."""
    if not attestations:
        return Provenance.NONE, "no build provenance attestation"
    for a in attestations:
        name = (a.workflow or "").rsplit("/", 1)[-1]
        if (a.repository or "").lower() == repo.lower() and name in workflows:
            return Provenance.ATTESTED, f"attested by {name} of {repo}"
    makers = sorted({f"{a.repository or '?'} {a.workflow or '?'}" for a in attestations})
    return Provenance.OTHER, f"attested only by {', '.join(makers)}"


def _decode(payload: Any) -> Any:
    try:
        return json.loads(base64.b64decode(str(payload), validate=False))
    except (ValueError, binascii.Error, TypeError):
        return None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data
