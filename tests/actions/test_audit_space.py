"""A state directory that cannot take the audit records stops an action before any request:
full, nearly full (a small tmpfs), or a write the kernel cut short. A short write never leaves a
fragment that would spoil the next line."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from console.actions.audit import AuditLog, AuditRecord
from console.cli import main
from tests.actions.helpers import ecr_tags, writes


@pytest.fixture
def small_state_dir(tmp_path, monkeypatch):
    """A 64 KiB tmpfs as the state directory (needs root, as in CI's container)."""
    state = tmp_path / "small"
    state.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(state)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (not root)")
    monkeypatch.setenv("GHAECR_CONSOLE_STATE_DIR", str(state))
    yield state
    subprocess.run(["umount", str(state)], check=True)


def fill(directory, leave: int) -> None:
    """Take the filesystem's space until about ``leave`` bytes are left (0: until it refuses)."""
    stats = os.statvfs(directory)
    free = stats.f_bavail * stats.f_frsize
    with open(directory / "filler", "wb") as f:
        try:
            f.write(b"x" * max(0, free - leave))
            if not leave:
                f.write(b"x" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


ACTIONS = {
    "rollback": ["rollback", "runtime", "--yes"],
    "prune": ["prune", "--keep", "2", "--yes"],
    "approve": ["approve", "{run}", "--comment", "ship", "--yes"],
}


@pytest.mark.parametrize("leave", [0, 4096], ids=["full", "nearly-full"])
@pytest.mark.parametrize("action", ACTIONS)
def test_no_room_for_the_audit_record_refuses_before_any_request(sandbox, capsys, small_state_dir, action, leave):
    fill(small_state_dir, leave)
    tags = ecr_tags(sandbox)
    seen = len(sandbox.state.requests)
    argv = [a.replace("{run}", str(sandbox.pending_run_id)) for a in ACTIONS[action]]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Nothing was done" in err and "Traceback" not in err
    assert len(sandbox.state.requests) == seen  # not even a read of GitHub
    assert ecr_tags(sandbox) == tags


def test_a_short_write_is_cut_back_and_the_log_stays_readable(small_state_dir):
    log = AuditLog(small_state_dir / "audit.jsonl")
    log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="succeeded"))
    size = log.path.stat().st_size
    fill(small_state_dir, 2048)
    big = AuditRecord(action="prune", repository="acme/shop", outcome="intent", digests=["sha256:" + "a" * 64] * 200)
    with pytest.raises(Exception, match="only .* bytes could be written"):
        log.append(big, sync=True)  # the kernel took part of it: a short write, not ENOSPC
    assert log.path.stat().st_size == size  # cut back: no fragment
    (small_state_dir / "filler").unlink()
    log.append(AuditRecord(action="approve", repository="acme/shop", outcome="succeeded"))
    assert [r.action for r in log.read()] == ["approve", "rollback"] and not log.read_all().skipped


async def test_an_intent_cut_short_stops_the_action_before_the_dispatch(sandbox, ctx, monkeypatch):
    """Injected: the kernel writes half of the intent line (what a nearly full disk does)."""
    from console.actions import audit, rollback

    real_write = os.write

    def half(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith("audit.jsonl"):
            return real_write(fd, data[: len(data) // 2])
        return real_write(fd, data)

    plan, _ = await rollback.plan(ctx, ["runtime"])
    monkeypatch.setattr(audit.os, "write", half)
    with pytest.raises(Exception, match="Nothing was done"):
        await rollback.execute(ctx, plan)
    monkeypatch.undo()
    assert [w for w in writes(sandbox) if w[1].endswith("/dispatches")] == []
    assert not ctx.audit.read_all().skipped  # the half line was cut back off
