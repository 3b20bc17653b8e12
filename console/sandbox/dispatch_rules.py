"""Rules for a CD ``workflow_dispatch``: what GitHub's API accepts (422 otherwise), and what the
workflow's ``validate`` job (``.github/scripts/validate-dispatch.sh``) then checks."""

from __future__ import annotations

import json
import re

from console.model.images import DIGEST_RE, VERSION_RE
from console.sandbox import pipeline

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{0,100}$")

# workflow_dispatch inputs per workflow file: name -> (required, allowed values or None)
DISPATCH_INPUTS: dict[str, dict[str, tuple[bool, tuple[str, ...] | None]]] = {
    "cd.yml": {
        "operation": (True, ("rollback", "prune")),
        "targets": (False, None),
        "to_version": (False, None),
        "digests": (False, None),
        "request_id": (False, None),
        "reason": (False, None),
    },
    "security.yml": {},
}


def check_api_inputs(file: str, inputs: dict) -> str | None:
    spec = DISPATCH_INPUTS[file]
    unknown = sorted(set(inputs) - set(spec))
    if unknown:
        return "Unexpected inputs provided: " + json.dumps(unknown)
    for name, (required, choices) in spec.items():
        value = inputs.get(name)
        if required and value in (None, ""):
            return f"Required input '{name}' not provided"
        if choices and value is not None and value not in choices:
            return f"Provided value '{value}' for input '{name}' not in the list of allowed values"
        if value is not None and not isinstance(value, str):
            return f"Input '{name}' must be a string"
    return None


def validate_inputs(inputs: dict[str, str], targets: tuple[str, ...], ref: str = "main") -> str | None:
    """What the CD workflow's validate job (validate-dispatch.sh) checks; one sentence, or None."""
    if ref != "main":
        return f"dispatch CD on main, not '{ref}': operations run the reviewed scripts of main"
    if not REQUEST_ID_RE.match(inputs.get("request_id") or ""):
        return f"malformed request_id '{inputs.get('request_id')}' (letters, digits and . _ : - only)"
    op = inputs.get("operation")
    if op == "rollback":
        named = pipeline.split_list(inputs.get("targets"))
        if not named:
            return "targets is required for a rollback (comma-separated names, or all)."
        unknown = [t for t in named if t != "all" and t not in targets]
        if unknown:
            return f"Unknown target '{unknown[0]}'; known targets: {', '.join(targets)}."
        version = inputs.get("to_version") or ""
        if version and not VERSION_RE.match(version):
            return f"to_version '{version}' is not a version like v1.3.0."
        return None
    if op == "prune":
        digests = pipeline.split_list(inputs.get("digests"))
        if not digests:
            return "digests is required for a prune (comma-separated sha256:<64 hex>)."
        bad = [d for d in digests if not DIGEST_RE.match(d)]
        if bad:
            return f"Malformed digest '{bad[0]}'; expected sha256:<64 hex>."
        return None
    return f"Unknown operation '{op}'."

