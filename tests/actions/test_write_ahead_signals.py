"""The write-ahead audit under signals, on the sandbox, with the CLI as a real process.

Each operation (rollback, prune, approve) is stopped by SIGTERM, SIGHUP or SIGKILL at each stage —
after its intent is on disk but before the write request, right after the write request, and while
following the run — then the next start (`audit`) reconciles, and the audit log must tell the truth:
``succeeded`` exactly when the change happened (ECR says so), nothing changed otherwise, and one
write request at most. The stand-in's per-route delay (``Faults.slow``) holds the process at a stage.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from console.config import state_dir
from tests.actions.helpers import ecr_digests, ecr_tags, writes

pytestmark = pytest.mark.slow  # a process on a sandbox each

SPEED = 30.0  # simulated seconds per wall second: a run lasts a few seconds, long enough to stop it
HOLD = 1.5  # seconds the stand-in holds a route's answers (the process waits at that stage)
STAGES = ("before-write", "after-write", "following")
SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGKILL)


def argv(operation: str, sb) -> list[str]:
    return {
        "rollback": ["rollback", "runtime", "--yes"],
        "prune": ["prune", "--keep", "2", "--yes"],
        "approve": ["approve", str(sb.pending_run_id), "--comment", "ship it", "--yes"],
    }[operation]


def write_requests(sb, operation: str) -> list[str]:
    """The requests that change something: a dispatch (rollback, prune) or a review (approve)."""
    suffix = "/pending_deployments" if operation == "approve" else "/dispatches"
    return [path for method, path in writes(sb) if method == "POST" and path.endswith(suffix)]


# Where the stand-in holds the process: after the intent, the next request is a runs listing
# (rollback/prune: is one already active?) or a fresh read of the pending deployments (approve);
# after the write, a runs listing (rollback/prune: the race check; approve: following the run).
HOLD_ROUTE = {("before-write", "approve"): "pending"}


class Console:
    """`python -m console ...` with its stdout read line by line in the background."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "console", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env=dict(os.environ))
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for_line(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if text in self.lines.get(timeout=0.1):
                    return
            except queue.Empty:
                assert self.proc.poll() is None, f"the console ended early: {self.proc.stderr.read()}"
        raise AssertionError(f"no line with {text!r}")

    def stop(self, sig: signal.Signals) -> tuple[int, str]:
        self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        return self.proc.returncode, self.proc.stderr.read()


def wait_until(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def audit_lines() -> list[dict]:
    path = state_dir() / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def next_start() -> tuple[list[dict], str]:
    """`audit --json` as a new process: it reconciles open attempts first and says so on stderr."""
    proc = subprocess.run([sys.executable, "-m", "console", "audit", "--json"], capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def changed(operation: str, sb, before: dict, present: set[str]) -> bool:
    """Did the operation's change happen, per ECR?"""
    tags = ecr_tags(sb)
    if operation == "rollback":
        return tags["latest-runtime"] == before["previous-runtime"]
    if operation == "prune":
        return ecr_digests(sb) < present
    return all(tags[f"latest-{t}"] == tags.get(f"v1.5.0-{t}") for t in sb.targets)


OPERATIONS = ("rollback", "prune", "approve")


def cases() -> list[tuple[str, str, signal.Signals]]:
    """Every pair of (operation, stage), (operation, signal) and (stage, signal) once: a Latin square,
    9 processes instead of 27 (the handler is one per signal, the stages one per operation). The
    square holds the costly truths: a dispatch killed before its write (the next start waits for a run
    that may still appear) and a review killed right after it was sent. GHAECR_TESTS=deep runs all 27."""
    if os.environ.get("GHAECR_TESTS") == "deep":
        return [(o, st, sig) for o in OPERATIONS for st in STAGES for sig in SIGNALS]
    return [(o, st, SIGNALS[(i + j + 2) % 3]) for i, o in enumerate(OPERATIONS) for j, st in enumerate(STAGES)]


@pytest.mark.parametrize(("operation", "stage", "sig"), cases(), ids=lambda v: getattr(v, "name", v))
def test_a_signal_at_any_stage_then_the_next_start_tells_the_truth(sandbox_factory, operation, stage, sig):
    stop_and_check(sandbox_factory(speed=SPEED), operation, stage, sig)


def test_ctrl_c_while_following_a_rollback(sandbox_factory):
    stop_and_check(sandbox_factory(speed=SPEED), "rollback", "following", signal.SIGINT)


def stop_and_check(sb, operation: str, stage: str, sig: signal.Signals) -> None:
    before, present = ecr_tags(sb), ecr_digests(sb)
    if stage != "following":
        sb.faults.slow = {HOLD_ROUTE.get((stage, operation), "runs"): HOLD}
    console = Console(argv(operation, sb))
    if stage == "before-write":
        wait_until(lambda: any(r["outcome"] == "intent" for r in audit_lines()), "the intent")
    elif stage == "after-write":
        wait_until(lambda: write_requests(sb, operation), "the write request")
    else:
        console.wait_for_line("follow")
    code, err = console.stop(sig)
    sb.faults.slow = {}
    assert code == (-sig if sig == signal.SIGKILL else 128 + sig), err
    if sig != signal.SIGKILL:
        assert f"Stopped by {sig.name}" in err and "Traceback" not in err
        interrupted = [r for r in audit_lines() if r["outcome"] == "interrupted"]
        assert len(interrupted) == 1 and sig.name in interrupted[0]["error"]
        if stage == "following":
            assert interrupted[0]["run_id"]  # it names the run that goes on
    sb.wait_idle(timeout=60)

    records, told = next_start()
    [record] = [r for r in records if r["action"] == operation]
    lines = [r for r in audit_lines() if r.get("request_id") == record["request_id"]]
    assert lines[0]["outcome"] == "intent"  # written ahead, before anything was asked of GitHub
    happened = changed(operation, sb, before, present)
    assert len(write_requests(sb, operation)) == (1 if stage != "before-write" else 0)
    assert happened == (stage != "before-write")
    if happened:
        assert record["outcome"] == "succeeded" and record["run_id"], record
        assert "as succeeded" in told
        if operation == "approve":  # what production's tags show is kept with the run's conclusion
            assert all(state.startswith("moved to") for state in record["result"]["targets"].values())
        else:
            assert "ECR now:" in record["result"]["reconciled"]
    elif record["outcome"] == "interrupted":  # TERM/HUP before the write: it said so itself, nothing to check
        assert "before any change was requested; nothing was changed" in record["error"]
    else:  # SIGKILL before the write: found out at the next start
        assert record["outcome"] == "failed" and "not carried out" in record["error"], record
        assert "as failed" in told
