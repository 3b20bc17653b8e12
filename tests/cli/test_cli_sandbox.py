"""The scripting CLI against the sandbox: JSON for scripts, one clear line for every failure."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from console.cli import main


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_status_json_shows_environments_and_the_pending_approval(sandbox, capsys):
    code, out, err = run(["status", "--json"], capsys)
    assert code == 0, err
    status = json.loads(out)
    assert status["repository"] == sandbox.repo
    assert set(status["environments"]) == {"staging", "production"}
    assert set(status["environments"]["production"]) == set(sandbox.targets)
    assert status["environments"]["production"]["runtime"]["version"].startswith("v")
    [approval] = status["pending_approvals"]
    assert approval["environment"] == "production" and approval["can_approve"] is True
    assert {r["workflow"] for r in status["runs"]} >= {"ci.yml", "cd.yml"}


def test_images_json_groups_by_target_and_marks_what_runs(sandbox, capsys):
    code, out, err = run(["images", "--json"], capsys)
    assert code == 0, err
    images = json.loads(out)
    assert set(images["targets"]) == set(sandbox.targets)
    runtime = images["targets"]["runtime"]
    assert runtime == sorted(runtime, key=lambda i: i["pushed_at"], reverse=True)
    assert all(t.endswith("-runtime") for image in runtime for t in image["tags"])
    production = [i for i in runtime if "production" in i["environments"]]
    assert len(production) == 1 and "latest-runtime" in production[0]["tags"]


def test_unknown_repository(sandbox, capsys):
    code, _, err = run(["--repo", "acme/nope", "status"], capsys)
    assert code != 0
    assert "acme/nope" in one_line(err)


def test_bad_token_says_how_to_log_in_and_never_shows_the_token(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "ghp_thisTokenMustNeverBePrinted123")
    code, out, err = run(["status", "--json"], capsys)
    assert code == 4  # authentication needed, as gh exits
    line = one_line(err)
    assert "gh auth login" in line or "GH_ENTERPRISE_TOKEN" in line
    assert "ghp_thisTokenMustNeverBePrinted123" not in err + out


def test_no_aws_credentials(sandbox, capsys, monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, _, err = run(["images"], capsys)
    assert code == 4  # authentication needed
    assert "credentials" in one_line(err).lower()


def test_images_needs_no_github_login_and_does_not_ask_gh(sandbox, capsys, monkeypatch, tmp_path):
    """`images` reads ECR only; `status` still asks the GitHub CLI for a token when none is set."""
    token = os.environ["GH_ENTERPRISE_TOKEN"]
    asked = tmp_path / "gh-was-asked"
    gh = tmp_path / "gh"
    gh.write_text(f"#!/bin/sh\ntouch {asked}\necho {token}\n")
    gh.chmod(0o755)
    monkeypatch.delenv("GH_ENTERPRISE_TOKEN")
    monkeypatch.delenv("GITHUB_ENTERPRISE_TOKEN", raising=False)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")

    code, out, err = run(["images", "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["total"] > 0
    assert not asked.exists()

    code, _, err = run(["status", "--json"], capsys)
    assert code == 0, err
    assert asked.exists()


@pytest.mark.parametrize("command", ["images", "status"])
def test_ecr_repository_that_does_not_exist(sandbox, capsys, command):
    code, _, err = run(["--ecr-repo", "no-such-repo", command], capsys)
    assert code != 0
    assert "no-such-repo" in one_line(err)


def test_output_cut_short_by_a_pipe_is_not_an_error(sandbox):
    env = {**os.environ}
    proc = subprocess.run(
        f"{sys.executable} -m console images | head -1", shell=True, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_sandbox_serve_feeds_another_process(tmp_path):
    """`sandbox serve` prints export lines; `eval` of them then `status --json` works elsewhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GH", "GITHUB_"))}
    server = subprocess.Popen(
        [sys.executable, "-m", "console", "sandbox", "serve", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        exports = {}
        deadline = time.monotonic() + 60
        while "GHAECR_ECR_REPOSITORY" not in exports and time.monotonic() < deadline:
            line = server.stdout.readline()
            assert line, server.stderr.read()
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                exports[name] = value
        assert {"GITHUB_API_URL", "AWS_ENDPOINT_URL_ECR", "GH_ENTERPRISE_TOKEN"} <= set(exports)
        script = "\n".join(f"export {k}={v}" for k, v in exports.items())
        for command, key in (("status --json", "pending_approvals"), ("images --json", "targets")):
            proc = subprocess.run(
                ["bash", "-c", f"{script}\n{sys.executable} -m console {command}"],
                capture_output=True, text=True, env=env, timeout=60,
            )
            assert proc.returncode == 0, proc.stderr
            assert key in json.loads(proc.stdout)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            _, err = server.communicate(timeout=30)
        finally:
            server.kill()
    assert "Traceback" not in err


def test_a_rejection_says_rejected(sandbox, capsys):
    code, out, err = run(["approve", str(sandbox.pending_run_id), "--reject", "--comment", "not today", "--yes"], capsys)
    assert code == 0, err
    assert "Rejected: " in out + err and "rejectd" not in (out + err).lower()
