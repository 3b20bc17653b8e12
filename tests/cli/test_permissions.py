"""A token without a permission, over real HTTP: GitHub's 403 ends in one line naming the permission."""

from __future__ import annotations

import json

from console.cli import main
from tests.actions.helpers import dispatched_runs, ecr_tags


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_rollback_with_a_token_that_may_not_dispatch(sandbox, capsys):
    sandbox.faults.forbidden = {"dispatch"}
    tags = ecr_tags(sandbox)
    capsys.readouterr()

    assert main(["rollback", "runtime", "--yes"]) == 1

    line = one_line(capsys.readouterr().err)
    assert "may not dispatch cd.yml on acme/shop" in line and "'actions=write' permission" in line
    assert "nothing was changed" in line
    with sandbox.state.lock:
        assert [r.status for r in sandbox.state.requests if r.path.endswith("/dispatches")] == [403]
    assert dispatched_runs(sandbox) == [] and ecr_tags(sandbox) == tags
    assert main(["audit", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["action"], record["outcome"], record["run_id"]) == ("rollback", "refused", None)
    assert "actions=write" in record["error"] and sandbox.token not in json.dumps(record)


def test_rollback_with_a_token_that_may_not_read_runs_is_not_dispatched_blind(sandbox, capsys):
    sandbox.faults.forbidden = {"runs"}  # the active-run check cannot read cd.yml's runs
    capsys.readouterr()

    assert main(["rollback", "runtime", "--yes"]) == 1

    line = one_line(capsys.readouterr().err)
    assert "may not list runs of cd.yml" in line and "'actions=read' permission" in line
    assert "nothing was changed" in line and dispatched_runs(sandbox) == []
    assert main(["audit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["outcome"] == "refused"


def test_approve_with_a_token_that_may_not_review(sandbox, capsys):
    sandbox.faults.forbidden = {"review"}
    tags = ecr_tags(sandbox)
    capsys.readouterr()

    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship", "--yes"]) == 1

    line = one_line(capsys.readouterr().err)
    assert "'deployments=write' permission" in line and "nothing was changed" in line
    assert sandbox.run(sandbox.pending_run_id).status == "waiting" and ecr_tags(sandbox) == tags
    assert main(["audit", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["action"], record["outcome"]) == ("approve", "refused")


def test_status_json_with_a_token_that_may_read_nothing_of_actions_or_deployments(sandbox, capsys):
    sandbox.faults.forbidden = {"runs", "deployments"}  # every GitHub part of the snapshot fails
    capsys.readouterr()

    assert main(["status", "--json"]) == 1

    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert "The token may not list deployments on acme/shop" in line and "'deployments=read' permission" in line
    assert captured.out == ""  # a script gets no half-filled JSON


def test_status_json_without_actions_read_still_reports_the_rest(sandbox, capsys):
    sandbox.faults.forbidden = {"runs"}
    capsys.readouterr()

    assert main(["status", "--json"]) == 0

    status = json.loads(capsys.readouterr().out)
    assert status["runs"] == [] and set(status["environments"]) == {"staging", "production"}
    assert status["warnings"] == [
        f"The token may not list runs of {w} on acme/shop: it needs the 'actions=read' permission (fine-grained token or app)."
        for w in ("ci.yml", "cd.yml", "security.yml")]
