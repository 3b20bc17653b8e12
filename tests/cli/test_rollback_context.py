"""Rollback context from the CLI on the sandbox: what a rollback un-ships (GitHub's compare of the
seeded history), and that production is rolled back (`status`, `status --json`) until the next release."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from console.cli import main
from tests.cli.helpers import scripted

STATUS_SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "status.schema.json").read_text())


def test_rollback_preview_lists_the_unshipped_commits_and_the_compare_link(sandbox, capsys):
    state = sandbox.state
    head, base = state.tags["v1.4.0"], state.tags["v1.3.0"]
    between = state.commits[state.commit_index(base) + 1: state.commit_index(head) + 1]
    assert main(["rollback", "runtime", "--yes", "--reason", "5xx"]) == 0
    out = capsys.readouterr().out
    assert f"un-ships (runtime): {len(between)} commits v1.3.0...v1.4.0" in out
    for commit in between:
        assert f"{commit.sha[:7]} {commit.message}" in out
    assert f"/{sandbox.repo}/compare/v1.3.0...v1.4.0" in out


def test_versions_github_cannot_compare_are_one_line_and_the_preview_goes_on(sandbox, capsys):
    with sandbox.state.lock:
        del sandbox.state.tags["v1.3.0"]  # the git tag was deleted on GitHub; ECR still has v1.3.0-runtime
    assert main(["rollback", "runtime", "--yes"]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("un-ships")]
    assert line.startswith("un-ships (runtime): unknown, GitHub could not compare v1.3.0...v1.4.0: ")
    assert "Rolled back" in out


def status(capsys) -> dict:
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, STATUS_SCHEMA)  # the documented shape, rolled_back included
    return document


def test_status_says_which_target_is_rolled_back_until_the_next_release(sandbox, capsys):
    """Approve v1.5.0, roll runtime back (another operator could have: it is read from GitHub), then
    release v1.6.0: rolled_back names runtime only, and only until the release."""
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship", "--yes"]) == 0
    assert all(s["rolled_back"] is None for env in status(capsys)["environments"].values() for s in env.values())

    assert main(["rollback", "runtime", "--yes", "--reason", "5xx after v1.5.0"]) == 0
    production = status(capsys)["environments"]["production"]
    rolled = production["runtime"]["rolled_back"]
    assert (rolled["from_version"], rolled["by"], rolled["reason"]) == ("v1.5.0", sandbox.user, "5xx after v1.5.0")
    assert rolled["run_id"] and rolled["at"] and rolled["automatic"] is False
    assert production["minimal"]["rolled_back"] is None
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "runtime: rolled back from v1.5.0 at " in capsys.readouterr().out

    sandbox.push_main("Fix the 5xx")
    sandbox.wait_idle()
    release = sandbox.push_tag("v1.6.0")
    sandbox.wait_run(release, "waiting")
    assert main(["approve", str(release), "--comment", "fixed", "--yes"]) == 0
    assert all(s["rolled_back"] is None for s in status(capsys)["environments"]["production"].values())


def test_a_release_whose_smoke_test_failed_shows_as_rolled_back_automatically(sandbox, capsys):
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship", "--yes"]) == 0
    sandbox.push_main("Risky change")
    sandbox.wait_idle()
    release = sandbox.push_tag("v1.6.0", smoke_fails=True)
    sandbox.wait_run(release, "waiting")
    assert main(["approve", str(release), "--comment", "go", "--yes"]) == 1  # the run fails: rolled back
    production = status(capsys)["environments"]["production"]
    for target in ("minimal", "runtime"):
        rolled = production[target]["rolled_back"]
        assert (rolled["from_version"], rolled["automatic"], rolled["run_id"]) == ("v1.6.0", True, release)
        assert "smoke test failed" in rolled["reason"]


def test_the_approve_preview_names_the_rolled_back_targets_it_moves_forward(sandbox, capsys):
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship", "--yes"]) == 0
    assert main(["rollback", "minimal", "--yes", "--reason", "memory leak"]) == 0
    sandbox.push_main("Fix the leak")
    sandbox.wait_idle()
    release = sandbox.push_tag("v1.6.0")
    sandbox.wait_run(release, "waiting")
    code, document, _ = scripted(["approve", str(release), "--comment", "plan only"], capsys, "approve")
    assert code == 2 and document["outcome"] == "refused"  # --json without --yes: the plan, nothing sent
    [forward] = document["plan"]["moves_forward"]
    assert (forward["target"], forward["from_version"], forward["reason"]) == ("minimal", "v1.5.0", "memory leak")
    capsys.readouterr()
    assert main(["approve", str(release), "--comment", "leak fixed", "--yes", "--no-follow"]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "forward again" in line]
    assert line.startswith("⚠ moves minimal forward again: rolled back from v1.5.0 at ")
    assert line.endswith(f"by {sandbox.user}: memory leak")


def test_a_direct_rollback_shows_from_this_machines_audit_log(sandbox, capsys):
    """Break-glass leaves no deployment on GitHub: status names it from the audit log, as direct."""
    assert main(["rollback", "minimal", "--direct", "--yes", "--reason", "GitHub Actions is down"]) == 0
    rolled = status(capsys)["environments"]["production"]["minimal"]["rolled_back"]
    assert (rolled["from_version"], rolled["by"], rolled["reason"]) == ("v1.4.0", sandbox.user, "GitHub Actions is down")
    assert rolled["direct"] is True and rolled["run_id"] is None
    assert status(capsys)["environments"]["production"]["runtime"]["rolled_back"] is None
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "minimal: rolled back directly from v1.4.0 at " in capsys.readouterr().out
