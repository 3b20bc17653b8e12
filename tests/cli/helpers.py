"""Helpers for the CLI tests: running a command for its --json document checked against docs/schemas,
an expired AWS session, the sandbox's CI run of a commit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from console.cli import main


def expired_profile(tmp_path, monkeypatch) -> None:
    """An AWS profile whose credential_process hands back credentials that expired yesterday."""
    script = tmp_path / "creds.py"
    script.write_text('import json; print(json.dumps({"Version": 1, "AccessKeyId": "AKIAEXAMPLE", '
                      '"SecretAccessKey": "secret", "Expiration": "2020-01-01T00:00:00Z"}))\n')
    config = tmp_path / "aws_config"
    config.write_text(f"[profile expired]\ncredential_process = {sys.executable} {script}\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "expired")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def ci_run(sb, sha: str):
    """The CI run of commit ``sha`` on the sandbox."""
    return next(r for r in sb.runs_for(sha) if r.workflow == "ci.yml")


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
