"""`approve|rollback|prune --json` on the sandbox: one JSON document per command, valid against its schema
in docs/schemas, the same outcome the audit log records, the documented exit code, and never a prompt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from console.cli import main
from tests.actions.helpers import dispatched_runs, ecr_digests, ecr_tags
from tests.cli.helpers import expired_profile, scripted, validator


def last_audit_line(capsys) -> dict:
    capsys.readouterr()
    assert main(["audit", "--json", "--limit", "1"]) == 0
    return json.loads(capsys.readouterr().out)[0]


def test_approve_prints_the_release_plan_and_what_production_runs_after(sandbox, capsys):
    before = ecr_tags(sandbox)
    code, document, _ = scripted(["approve", str(sandbox.pending_run_id), "--comment", "ship it", "--yes"], capsys, "approve")
    assert code == 0 and document["outcome"] == "succeeded" and document["error"] is None
    plan = document["plan"]
    assert plan["version"] == "v1.5.0" and plan["run"]["id"] == sandbox.pending_run_id
    assert {r["target"]: r["current_digest"] for r in plan["release"]} == {t: before[f"latest-{t}"] for t in ("minimal", "runtime")}
    assert [p["environment"] for p in plan["pending"]] == ["production"]
    assert document["run"]["id"] == sandbox.pending_run_id
    assert any(line.startswith("latest-minimal = ") for line in document["result"]["checks"])
    assert document["summary"].startswith("Approved run")
    assert sandbox.token not in json.dumps(document)
    assert last_audit_line(capsys)["request_id"] == document["request_id"]


def test_rollback_prints_the_plan_the_run_and_the_check_of_ecr(sandbox, capsys):
    before = ecr_tags(sandbox)
    code, document, err = scripted(["rollback", "minimal", "--yes", "--reason", "smoke red"], capsys, "rollback")
    assert code == 0 and document["outcome"] == "succeeded"
    step = document["plan"]["steps"][0]
    assert (step["target"], step["from"]["digest"], step["to"]["digest"]) == (
        "minimal", before["latest-minimal"], before["previous-minimal"])
    assert step["to"]["ref"] == "previous-minimal"
    [unshipped] = document["plan"]["unshipped"]  # what goes out of production: v1.3.0...v1.4.0 of the seed
    assert (unshipped["targets"], unshipped["base"], unshipped["head"]) == (["minimal"], "v1.3.0", "v1.4.0")
    assert unshipped["total_commits"] == len(unshipped["commits"]) > 0 and unshipped["note"] is None
    assert unshipped["html_url"].endswith(f"/{sandbox.repo}/compare/v1.3.0...v1.4.0")
    assert document["result"]["checks"] == [{"target": "minimal", "expected": before["previous-minimal"],
                                             "actual": before["previous-minimal"]}]
    assert document["run"]["id"] == dispatched_runs(sandbox)[0].id
    assert "dispatch" in err  # progress goes to stderr: stdout carries the document alone
    audited = last_audit_line(capsys)
    assert (audited["outcome"], audited["request_id"]) == ("succeeded", document["request_id"])


def test_a_rejection_plans_no_change_and_moves_nothing(sandbox, capsys):
    before = ecr_tags(sandbox)
    code, document, _ = scripted(["approve", str(sandbox.pending_run_id), "--reject", "--comment", "not today", "--yes"],
                                 capsys, "approve")
    assert code == 0 and (document["action"], document["outcome"]) == ("reject", "succeeded")
    assert document["plan"]["changes"] == [] and document["plan"]["version"] == "v1.5.0"
    assert all(line.startswith("latest-") and "unchanged" in line for line in document["result"]["checks"])
    assert ecr_tags(sandbox) == before


def test_a_direct_rollback_names_no_run(sandbox, capsys):
    code, document, _ = scripted(["rollback", "minimal", "--direct", "--yes"], capsys, "rollback")
    assert code == 0 and (document["mode"], document["run"], document["outcome"]) == ("direct", None, "succeeded")
    assert dispatched_runs(sandbox) == []


def test_prune_dry_run_prints_the_plan_and_deletes_nothing(sandbox, capsys):
    present = ecr_digests(sandbox)
    code, document, _ = scripted(["prune", "--keep", "2", "--dry-run"], capsys, "prune")
    assert code == 0 and (document["outcome"], document["dry_run"]) == ("planned", True)
    plan = document["plan"]
    assert plan["keep"] == 2 and plan["delete"] and plan["kept"]
    assert plan["digests"] == [i["digest"] for i in plan["delete"]]
    assert plan["bytes_reclaimed"] == sum(i["size_bytes"] or 0 for i in plan["delete"])
    assert all(i["reason"] for i in plan["kept"])
    assert ecr_digests(sandbox) == present and dispatched_runs(sandbox) == []


def test_prune_deletes_exactly_the_planned_digests(sandbox, capsys):
    present = ecr_digests(sandbox)
    code, document, _ = scripted(["prune", "--keep", "2", "--yes"], capsys, "prune")
    planned = set(document["plan"]["digests"])
    assert code == 0 and document["outcome"] == "succeeded" and planned
    assert set(document["result"]["deleted"]) == planned and document["result"]["refused"] == []
    assert ecr_digests(sandbox) == present - planned
    assert document["result"]["kept"] == len(present - planned)


@pytest.mark.parametrize(("argv", "schema"), [
    (["rollback", "minimal"], "rollback"),
    (["prune", "--keep", "2"], "prune"),
])
def test_a_write_without_yes_is_refused_with_exit_2_and_never_asks(sandbox, capsys, argv, schema):
    before = ecr_tags(sandbox)
    code, document, err = scripted(argv, capsys, schema)
    assert code == 2 and document["outcome"] == "refused"
    assert document["plan"] is not None  # the plan is still there to read
    assert err.strip() == "error: --json never asks: pass --yes to carry out this write; nothing was changed."
    assert ecr_tags(sandbox) == before and dispatched_runs(sandbox) == []
    assert last_audit_line(capsys)["outcome"] == "refused"


def test_a_run_nobody_waits_for_is_a_document_without_a_plan(sandbox, capsys):
    run_id = sandbox.pending_run_id
    assert main(["approve", str(run_id), "--reject", "--comment", "no", "--yes"]) == 0
    code, document, err = scripted(["approve", str(run_id), "--comment", "again", "--yes"], capsys, "approve")
    assert code == 1 and document["plan"] is None and document["outcome"] == "refused"
    assert "no deployment waiting for review" in document["error"] and err.startswith("error: ")


def test_read_only_is_refused_and_says_so(sandbox, capsys):
    code, document, _ = scripted(["--read-only", "rollback", "minimal", "--yes"], capsys, "rollback")
    assert code == 1 and document["outcome"] == "refused" and "read-only" in document["error"]


def test_a_bad_token_exits_4_and_never_shows_it(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "ghp_not_the_sandbox_token_123")
    code, document, err = scripted(["rollback", "minimal", "--yes"], capsys, "rollback")
    assert code == 4 and document["exit_code"] == 4 and document["outcome"] == "failed"
    assert "ghp_not_the_sandbox_token_123" not in json.dumps(document) + err


def test_an_expired_aws_session_exits_4_with_the_document(sandbox, capsys, monkeypatch, tmp_path):
    expired_profile(tmp_path, monkeypatch)
    code, document, err = scripted(["prune", "--keep", "2", "--dry-run"], capsys, "prune")
    assert code == 4 and document["plan"] is None and "expired" in document["error"]
    assert len(err.strip().splitlines()) == 1


def test_a_rollback_stopped_while_following_prints_its_document_and_exits_143(sandbox_factory):
    sb = sandbox_factory(speed=30.0)  # a run lasts seconds: long enough to stop it while it is followed
    proc = subprocess.Popen([sys.executable, "-m", "console", "rollback", "runtime", "--yes", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    following = threading.Event()
    progress: list[str] = []

    def read_progress() -> None:  # with --json the progress lines are on stderr
        for line in proc.stderr:
            progress.append(line)
            if "follow" in line:
                following.set()

    threading.Thread(target=read_progress, daemon=True).start()
    assert following.wait(60), "".join(progress)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    time.sleep(0.1)  # the reader thread takes the last lines
    document = json.loads(out)
    errors = [e.message for e in validator("rollback").iter_errors(document)]
    assert not errors, errors
    assert proc.returncode == 143 and document["exit_code"] == 143
    assert document["outcome"] == "interrupted" and "SIGTERM" in document["error"]
    assert document["run"]["id"] and document["plan"]["steps"][0]["target"] == "runtime"
    assert not any("Traceback" in line for line in progress)
    sb.wait_idle(timeout=60)
