"""Helpers for the CLI tests."""

from __future__ import annotations

import sys


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
