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
        with pytest.raises(AlreadyRunning, match="already running"):
            with single_flight("acme/shop", "rollback"):
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
