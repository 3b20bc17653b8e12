"""`images`, `status` and `audit` through a pipe (a real subprocess, stdout not a terminal): every tag,
version and login whole, whatever COLUMNS says; diagnostics on stderr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from console.actions.audit import AUDIT_FILE, AuditLog, AuditRecord
from console.config import state_dir

ROOT = Path(__file__).resolve().parents[2]
LONG_LOGIN = "release-captain-with-a-long-login[bot]"


def piped(*argv: str, columns: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run([sys.executable, "-m", "console", *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def words(out: str) -> set[str]:
    """Every value of the plain columns: split on the column gaps and on list commas."""
    return {w for line in out.splitlines() for w in re.split(r"\s{2,}|, ", line.strip()) if w}


@pytest.mark.parametrize("columns", [None, "80"])
def test_images_through_a_pipe_keeps_every_tag_and_version_whole(sandbox, columns):
    listing, _ = piped("images", "--json", columns=columns)
    images = [i for group in json.loads(listing)["targets"].values() for i in group]
    out, err = piped("images", "--limit", "1000", columns=columns)
    values = words(out)
    for image in images:
        assert ", ".join(sorted(image["tags"])) in out  # the whole tag list on one line
        for tag in image["tags"]:
            assert tag in values, tag
        if image.get("version"):
            assert image["version"] in values, image["version"]
    assert "…" not in out and "│" not in out and "\x1b[" not in out  # no ellipsis, no box, no colour
    assert err == ""


@pytest.mark.parametrize("columns", [None, "80"])
def test_status_through_a_pipe_keeps_values_whole_and_shows_drift(sandbox, columns):
    listing, _ = piped("status", "--json", columns=columns)
    status = json.loads(listing)
    out, _ = piped("status", columns=columns)
    values = words(out)
    for environment in status["environments"].values():
        for state in environment.values():
            if state.get("version"):
                assert state["version"] in values, state["version"]
    for run in status["runs"][:10]:
        assert run["actor"] in values, run["actor"]
    header = next(line for line in out.splitlines() if line.startswith("environment"))
    assert header.split()[-1] == "drift"
    production = [line for line in out.splitlines() if line.startswith("production ")]
    assert production and all(line.rstrip().endswith(("behind", "newest release")) for line in production)
    assert "…" not in out and "\x1b[" not in out


@pytest.mark.parametrize("columns", [None, "80"])
def test_audit_through_a_pipe_keeps_logins_whole_and_the_path_on_stderr(columns):
    log = AuditLog(state_dir() / AUDIT_FILE)
    log.append(AuditRecord(action="rollback", repository="acme/shop", mode="api", user=LONG_LOGIN,
                           environment="production", targets=["runtime"], outcome="succeeded", run_id=11000000936))
    out, err = piped("audit", columns=columns)
    assert LONG_LOGIN in words(out) and "11000000936" in words(out)
    assert str(log.path) not in out and str(log.path) in err
