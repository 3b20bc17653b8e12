"""The audit log: append-only JSON lines, newest first on read, never a token."""

from __future__ import annotations

import json

import pytest

from console.actions.audit import AuditLog, AuditRecord
from console.actions.guard import AlreadyRunning, ensure_writable, single_flight
from console.config import Settings
from console.errors import ReadOnlyError


def test_appends_one_line_per_record_and_reads_newest_first(tmp_path):
    log = AuditLog(tmp_path / "state" / "audit.jsonl")
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="succeeded", run_id=1))
    log.append(AuditRecord(action="prune", repository="acme/shop", outcome="failed", error="boom"))
    lines = (tmp_path / "state" / "audit.jsonl").read_text().splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["rollback", "prune"]
    assert [r.action for r in log.read()] == ["prune", "rollback"]
    assert [r.action for r in log.read(limit=1)] == ["prune"]
    assert log.read()[0].time and log.read()[0].error == "boom"


def test_token_never_reaches_the_file(tmp_path):
    token = "ghp_supersecrettoken1234567890"
    log = AuditLog(tmp_path / "audit.jsonl", redact=(token,))
    log.append(AuditRecord(action="approve", repository="acme/shop", error=f"401 with {token}", comment=token))
    assert token not in (tmp_path / "audit.jsonl").read_text()


def test_a_damaged_line_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.append(AuditRecord(action="rollback", repository="acme/shop"))
    with path.open("a") as f:
        f.write("{not json\n")
    assert [r.action for r in log.read()] == ["rollback"]


def test_read_only_refuses_with_the_way_out():
    settings = Settings(repo="acme/shop", ecr_repository="shop", read_only=True)
    with pytest.raises(ReadOnlyError, match="read-only mode: rollback is disabled; drop --read-only"):
        ensure_writable(settings, "rollback")


def test_single_flight_refuses_a_second_run_of_the_same_operation():
    with single_flight("acme/shop", "rollback"):
        with pytest.raises(AlreadyRunning, match="already running"), single_flight("acme/shop", "rollback"):
            pass
        with single_flight("acme/shop", "prune"):  # another operation is fine
            pass
    with single_flight("acme/shop", "rollback"):  # released afterwards
        pass


async def test_no_action_when_the_audit_log_cannot_be_written(tmp_path):
    from console.actions.attempt import recorded
    from console.actions.context import ActionContext
    from console.errors import ConsoleError

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    ctx = ActionContext(Settings(repo="acme/shop", ecr_repository="shop"), None, None,
                        AuditLog(blocker / "audit.jsonl"))
    acted = []
    with pytest.raises(ConsoleError, match="Cannot write the audit log .* Nothing was done"):
        async with recorded(ctx, AuditRecord(action="rollback", repository="acme/shop")):
            acted.append(True)
    assert acted == []


ODD_LINES = [
    "[1, 2, 3]",  # valid JSON, not a record
    '"just a string"',
    "null",
    "[" * 100_000 + "]" * 100_000,  # deeper than the parser goes
    '{"action": "rollback", "repository": "acme/shop", "targets": 5}',  # wrong field types
    '{"action": "rollback", "repository": "acme/shop", "time": 12, "result": []}',
    '{"action": ["x"], "repository": "acme/shop"}',
    '{"repository": "acme/shop"}',  # no action
    '{"action": "prune", "repos',  # cut short by an older console (no newline) ...
]


def test_audit_survives_any_odd_line_and_says_which_it_skipped(tmp_path, monkeypatch, capsys):
    from console.cli import main

    monkeypatch.setenv("GHAECR_CONSOLE_STATE_DIR", str(tmp_path))
    log = AuditLog(tmp_path / "audit.jsonl")
    glued = '{"action": "rollb' + log.line(AuditRecord(action="reject", repository="acme/shop", outcome="failed")).decode()
    with log.path.open("a") as f:
        f.write(glued)  # an older console's cut line with the next record appended to it
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="succeeded", run_id=1))
    with log.path.open("a") as f:
        f.write("\n".join(ODD_LINES))  # the last one without its newline, as a cut line would be
    log.append(AuditRecord(action="approve", repository="acme/shop", outcome="succeeded", run_id=2))  # on a line of its own
    assert main(["audit", "--json"]) == 0
    captured = capsys.readouterr()
    assert [r["action"] for r in json.loads(captured.out)] == ["approve", "rollback", "reject"]
    assert f"skipped {len(ODD_LINES)} unreadable line(s)" in captured.err
    assert main(["audit"]) == 0 and "Traceback" not in capsys.readouterr().err


def test_an_intent_and_its_outcome_are_one_attempt(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="intent", request_id="gc-1"))
    log.append(AuditRecord(action="prune", repository="acme/shop", outcome="refused"))
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="succeeded", request_id="gc-1", run_id=9))
    assert [(r.action, r.outcome) for r in log.read()] == [("rollback", "succeeded"), ("prune", "refused")]
    assert [r.outcome for r in log.read_all().records] == ["intent", "refused", "succeeded"]  # the file keeps both


def test_open_attempts_are_this_repositorys_and_not_a_live_consoles(tmp_path):
    import os
    import socket

    from console.actions.reconcile import open_attempts

    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="intent", request_id="gc-dead",
                           result={"console": {"pid": 2**22 + 7, "host": socket.gethostname()}}))  # no such process
    log.append(AuditRecord(action="prune", repository="acme/shop", outcome="intent", request_id="gc-live",
                           result={"console": {"pid": os.getpid(), "host": socket.gethostname()}}))
    log.append(AuditRecord(action="prune", repository="acme/other", outcome="intent", request_id="gc-other"))
    log.append(AuditRecord(action="approve", repository="acme/shop", outcome="interrupted", request_id="gc-early",
                           result={"requested": False}))  # stopped before any write: nothing to find out
    assert [r.request_id for r in open_attempts(log, "acme/shop")] == ["gc-dead"]
    assert [r.request_id for r in open_attempts(log)] == ["gc-dead", "gc-other"]


@pytest.mark.parametrize(("sent", "outcome"), [(False, "failed"), (True, "unknown")])
async def test_a_bug_after_a_write_request_is_unknown_not_failed(tmp_path, sent, outcome):
    """Only GitHub or ECR can tell what a write request that went out did: the next start looks."""
    from console.actions.attempt import recorded
    from console.actions.context import ActionContext

    ctx = ActionContext(Settings(repo="acme/shop", ecr_repository="shop"), None, None, AuditLog(tmp_path / "audit.jsonl"))
    with pytest.raises(RuntimeError):
        async with recorded(ctx, AuditRecord(action="rollback", repository="acme/shop")) as attempt:
            attempt.intend()
            if sent:
                attempt.sending()
            raise RuntimeError("a bug")
    [intent, last] = ctx.audit.read_all().records
    assert (intent.outcome, last.outcome, last.is_open) == ("intent", outcome, sent)
