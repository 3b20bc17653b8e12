"""The non-interactive CLI: `ghaecr-console approve|rollback|prune|audit` in-process on the sandbox."""

from __future__ import annotations

import json

import pytest

from console.cli import main
from console.commands import operate as commands
from console.model import Image
from console.model.environments import running_digests, target_states
from console.model.plans import plan_prune
from tests.actions.helpers import dispatched_runs, ecr_digests, ecr_tags, writes

TARGETS = ("minimal", "runtime")


def audit(capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["audit", "--json", "--limit", "50"]) == 0
    return json.loads(capsys.readouterr().out)


def test_approve_then_roll_back_twice_then_prune(sandbox, capsys):
    before = ecr_tags(sandbox)
    run_id = sandbox.pending_run_id

    assert main(["approve", str(run_id), "--comment", "release v1.5.0", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Approved" in out and "v1.5.0" in out
    approved = ecr_tags(sandbox)
    for t in TARGETS:
        assert approved[f"latest-{t}"] == approved["v1.5.0-" + t] != before[f"latest-{t}"]
        assert approved[f"previous-{t}"] == before[f"latest-{t}"]

    assert main(["rollback", "runtime", "--yes", "--reason", "smoke red"]) == 0
    assert ecr_tags(sandbox)["latest-runtime"] == before["latest-runtime"]  # back to what ran before v1.5.0
    assert main(["rollback", "--all", "--to", "v1.2.0", "--yes"]) == 0
    rolled = ecr_tags(sandbox)
    for t in TARGETS:
        assert rolled[f"latest-{t}"] == before[f"v1.2.0-{t}"]

    expected = _expected_prune(sandbox, keep=3)
    capsys.readouterr()
    assert main(["prune", "--keep", "3", "--dry-run"]) == 0
    assert "Dry run: nothing was deleted" in capsys.readouterr().out
    present = ecr_digests(sandbox)
    assert main(["prune", "--keep", "3", "--yes"]) == 0
    assert ecr_digests(sandbox) == present - expected

    records = audit(capsys)
    assert [(r["action"], r["outcome"]) for r in records] == [
        ("prune", "succeeded"), ("rollback", "succeeded"), ("rollback", "succeeded"), ("approve", "succeeded")]
    assert set(records[0]["digests"]) == expected
    assert records[2]["comment"] == "smoke red" and records[2]["run_id"]
    assert all(r["user"] == sandbox.user and sandbox.token not in json.dumps(r) for r in records)


def _expected_prune(sb, keep: int) -> set[str]:
    """The plan computed independently from moto's listing (what the preview shows)."""
    client = sb.ecr_client()
    details = client.describe_images(repositoryName=sb.ecr_repository)["imageDetails"]
    images = [Image(d["imageDigest"], tuple(d.get("imageTags", ())), d["imagePushedAt"], d.get("imageSizeInBytes", 0))
              for d in details]
    running = running_digests(target_states(images, TARGETS))
    return set(plan_prune(images, TARGETS, keep, running).digests)


def test_direct_mode_changes_ecr_without_a_workflow_run(sandbox, capsys):
    before = ecr_tags(sandbox)
    assert main(["rollback", "minimal", "--direct", "--yes"]) == 0
    assert "DIRECT MODE" in capsys.readouterr().out
    assert ecr_tags(sandbox)["latest-minimal"] == before["previous-minimal"]
    assert dispatched_runs(sandbox) == []
    assert audit(capsys)[0]["mode"] == "direct"


def test_without_a_terminal_or_yes_nothing_happens(sandbox, capsys, monkeypatch):
    monkeypatch.setattr(commands, "_is_tty", lambda: False)
    tags = ecr_tags(sandbox)
    assert main(["rollback", "runtime"]) == 1
    assert "pass --yes" in capsys.readouterr().err
    assert ecr_tags(sandbox) == tags and writes(sandbox) == []
    [record] = audit(capsys)
    assert record["outcome"] == "refused" and "pass --yes" in record["error"]  # not a "no": nobody was asked
    assert record["user"]  # the local user: nothing was asked of GitHub to learn the login


@pytest.mark.parametrize("answer", ["", "y", "minimal", "runtime "], ids=["enter", "y", "wrong-name", "name-with-space"])
def test_on_a_terminal_only_the_exact_target_name_confirms(sandbox, capsys, monkeypatch, answer):
    monkeypatch.setattr(commands, "_is_tty", lambda: True)
    asked = []

    async def ask(prompt: str) -> str:
        asked.append(prompt)
        return answer

    monkeypatch.setattr(commands, "_ask", ask)
    tags = ecr_tags(sandbox)
    code = main(["rollback", "runtime"])
    assert "Type 'runtime' to confirm" in asked[0]
    if answer.strip() == "runtime":
        assert code == 0 and ecr_tags(sandbox)["latest-runtime"] == tags["previous-runtime"]
    else:
        assert code == 1 and "Cancelled" in capsys.readouterr().err
        assert ecr_tags(sandbox) == tags and writes(sandbox) == []
        [record] = audit(capsys)
        assert (record["outcome"], record["user"]) == ("cancelled", sandbox.user)  # the login, never null


def test_direct_mode_on_a_terminal_needs_its_own_confirmation(sandbox, capsys, monkeypatch):
    monkeypatch.setattr(commands, "_is_tty", lambda: True)
    answers = iter(["no", "runtime"])

    async def ask(prompt: str) -> str:
        return next(answers)

    monkeypatch.setattr(commands, "_ask", ask)
    tags = ecr_tags(sandbox)
    assert main(["rollback", "runtime", "--direct"]) == 1
    assert "direct mode not confirmed" in capsys.readouterr().err
    assert ecr_tags(sandbox) == tags


def test_read_only_refuses_before_any_request(sandbox, capsys):
    tags = ecr_tags(sandbox)
    seen = len(sandbox.state.requests)
    for argv in (["rollback", "runtime", "--yes"], ["prune", "--keep", "2", "--yes"],
                 ["approve", str(sandbox.pending_run_id), "--comment", "x", "--yes"]):
        assert main(["--read-only", *argv]) == 1
        assert "read-only mode:" in capsys.readouterr().err
    assert len(sandbox.state.requests) == seen
    assert ecr_tags(sandbox) == tags
    assert [r["outcome"] for r in audit(capsys)] == ["refused"] * 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rollback", "runtime", "--to", "v9.9.9", "--yes"], "Version 'v9.9.9' does not exist for 'runtime'"),
        (["rollback", "--yes"], "Name the target(s) to roll back, or pass --all"),
        (["prune", "--keep", "0", "--yes"], "Keep count must be at least 1"),
        (["approve", "1", "--comment", "x", "--yes"], "not found"),
    ],
)
def test_bad_input_gives_one_clear_line(sandbox, capsys, argv, message):
    tags = ecr_tags(sandbox)
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert message.lower() in err.lower() and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert ecr_tags(sandbox) == tags and writes(sandbox) == []


def test_approve_when_you_may_not_review_says_why(sandbox, capsys):
    with sandbox.state.lock:
        sandbox.state.environments["production"].reviewers.remove(sandbox.user)
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "x", "--yes"]) == 1
    assert f"{sandbox.user} is not a required reviewer of production" in capsys.readouterr().err
    assert writes(sandbox) == []
    assert audit(capsys)[0]["outcome"] == "refused"


def test_reject_moves_nothing(sandbox, capsys):
    tags = ecr_tags(sandbox)
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "not today", "--reject", "--yes"]) == 0
    assert "Rejected" in capsys.readouterr().out
    assert ecr_tags(sandbox) == tags
    record = audit(capsys)[0]
    assert (record["action"], record["outcome"], record["changes"]) == ("reject", "succeeded", [])  # nothing changed


def test_direct_prune_deletes_exactly_the_plan_without_a_run(sandbox, capsys):
    expected = _expected_prune(sandbox, keep=2)
    present = ecr_digests(sandbox)
    assert main(["prune", "--keep", "2", "--direct", "--yes"]) == 0
    remaining = ecr_digests(sandbox)
    assert remaining == present - expected
    assert f"{len(expected)} deleted, 0 refused, {len(remaining)} images kept" in capsys.readouterr().out
    assert dispatched_runs(sandbox) == []
    record = audit(capsys)[0]
    assert (record["action"], record["mode"], set(record["digests"])) == ("prune", "direct", expected)
