"""The append-only audit log: JSON lines in the user state directory, written ahead of every change.

An attempt that may change something writes an ``intent`` line (fsync'd) before its first write
request, then one line with the outcome under the same ``request_id``; an intent left without an
outcome (the console was killed, the disk filled) is reconciled at the next start
(``actions/reconcile.py``). Attempts that never got that far (refused, cancelled) are one line.
Never a token: the configured token is redacted from every string before the line is written.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.config import Settings, state_dir
from console.errors import ConsoleError

AUDIT_FILE = "audit.jsonl"

# Outcomes. An attempt ends succeeded, failed, refused, cancelled or unknown; INTENT and INTERRUPTED leave
# it open for reconciliation.
SUCCEEDED = "succeeded"
FAILED = "failed"
REFUSED = "refused"
CANCELLED = "cancelled"
UNKNOWN = "unknown"  # the console could not tell what happened (the record says why)
INTENT = "intent"  # written before the first write request
INTERRUPTED = "interrupted"  # a signal stopped the console; the change may still be going on

# Room an attempt needs in the state directory: its intent and outcome lines, and a margin.
MIN_FREE_BYTES = 16 * 1024


@dataclass
class AuditRecord:
    action: str  # approve | reject | rollback | prune
    repository: str
    mode: str = "workflow"  # workflow | direct | api (approve/reject go through the API)
    time: str = ""
    user: str | None = None  # GitHub login when known, else the local user
    local_user: str = ""
    environment: str | None = None
    targets: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # rollback/approve: target, from, to
    digests: list[str] = field(default_factory=list)  # prune: the chosen digests
    run_id: int | None = None
    run_url: str | None = None
    request_id: str | None = None  # ties an intent to its outcome (and to the dispatched run's title)
    comment: str | None = None
    outcome: str = ""
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)  # e.g. prune: deleted/refused; per-target states

    @classmethod
    def from_json(cls, data: Any) -> AuditRecord:
        """A record from one parsed line; ValueError when it is not one (wrong shape or field types)."""
        if not isinstance(data, dict):
            raise ValueError(f"a {type(data).__name__}, not a record")
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name, value in known.items():
            if not isinstance(value, _FIELD_TYPES[name]) or isinstance(value, bool):
                raise ValueError(f"field {name!r} is a {type(value).__name__}")
        if not isinstance(known.get("action"), str) or not isinstance(known.get("repository"), str):
            raise ValueError("no action or repository")
        return cls(**known)

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.time)
        except ValueError:
            return None

    @property
    def is_open(self) -> bool:
        """No final outcome yet: an intent, an interruption after a write request went out, or an
        ``unknown`` the action itself gave up on (the next start looks again; one found by
        reconciliation is final)."""
        if self.outcome == INTERRUPTED:
            return self.result.get("requested") is not False
        return self.outcome == INTENT or (self.outcome == UNKNOWN and "reconciled" not in self.result)


_STR, _OPT_STR = (str,), (str, type(None))
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "action": _STR, "repository": _STR, "mode": _STR, "time": _STR, "user": _OPT_STR, "local_user": _STR,
    "environment": _OPT_STR, "targets": (list,), "changes": (list,), "digests": (list,),
    "run_id": (int, type(None)), "run_url": _OPT_STR, "request_id": _OPT_STR, "comment": _OPT_STR,
    "outcome": _STR, "error": _OPT_STR, "result": (dict,),
}


@dataclass(frozen=True)
class Reading:
    """The log in file order, and the line numbers (1-based) that hold no readable record."""

    records: list[AuditRecord]
    skipped: tuple[int, ...] = ()


class AuditLog:
    def __init__(self, path: Path, *, redact: tuple[str, ...] = ()) -> None:
        self.path = path
        self._redact = tuple(s for s in redact if s)
        self.last: dict[str, Any] | None = None  # the last line this process wrote, as written (`--json` reports it)

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        return cls(state_dir() / AUDIT_FILE, redact=(settings.token or "",))

    def line(self, record: AuditRecord) -> bytes:
        if not record.time:
            record.time = datetime.now(UTC).isoformat(timespec="seconds")
        if not record.local_user:
            record.local_user = local_user()
        return (self._scrub(json.dumps(asdict(record), sort_keys=True, default=str)) + "\n").encode()

    def append(self, record: AuditRecord, *, sync: bool = False) -> AuditRecord:
        """Write one whole line (fsync'd with ``sync``), or raise ConsoleError and leave no fragment."""
        data = self.line(record)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _append_whole(self.path, data, sync=sync)
        except OSError as exc:
            raise ConsoleError(
                f"Could not write the audit log {self.path} ({exc.strerror or exc}); free space in it or fix its "
                "permissions (or set GHAECR_CONSOLE_STATE_DIR)."
            ) from exc
        self.last = json.loads(data)
        return record

    def ensure_writable(self, need: int = MIN_FREE_BYTES) -> None:
        """Refuse to act when the records could not be written (checked before any request)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
            stats = os.statvfs(self.path.parent)
        except OSError as exc:
            raise ConsoleError(
                f"Cannot write the audit log {self.path} ({exc.strerror}); fix its permissions or set "
                "GHAECR_CONSOLE_STATE_DIR. Nothing was done."
            ) from exc
        free = stats.f_bavail * stats.f_frsize
        if free < need:
            raise ConsoleError(
                f"Only {free} bytes are free for the audit log {self.path} (an action needs {need}); free some "
                "space or set GHAECR_CONSOLE_STATE_DIR. Nothing was done."
            )

    def read_all(self) -> Reading:
        """Every readable record in file order; odd lines (a fragment, JSON that is not a record,
        wrong field types, nesting too deep to parse) are skipped and counted, never fatal."""
        try:
            lines = self.path.read_bytes().decode("utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return Reading([])
        except OSError as exc:
            raise ConsoleError(f"Could not read the audit log {self.path}: {exc.strerror}.") from exc
        records, skipped = [], []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            record = _parse(line)
            if record is None:
                skipped.append(number)
            else:
                records.append(record)
        return Reading(records, tuple(skipped))

    def read(self, limit: int | None = None) -> list[AuditRecord]:
        """One record per attempt (its newest line: the outcome over the intent), newest first."""
        return latest_per_attempt(self.read_all().records)[:limit]

    def _scrub(self, text: str) -> str:
        for secret in self._redact:
            text = text.replace(secret, "***")
        return text


def latest_per_attempt(records: list[AuditRecord]) -> list[AuditRecord]:
    """Newest first; the lines of one attempt (same request_id) shown once, as its newest line."""
    seen: set[str] = set()
    out = []
    for record in reversed(records):
        if record.request_id:
            if record.request_id in seen:
                continue
            seen.add(record.request_id)
        out.append(record)
    return out


def _parse(line: str) -> AuditRecord | None:
    # A line cut short by an older console and then glued to the next record: the record starts
    # at the last '{"action"' (keys are written sorted, so every record starts that way).
    for text in dict.fromkeys((line, line[line.rfind('{"action"'):] if '{"action"' in line else line)):
        try:
            return AuditRecord.from_json(json.loads(text))
        except (ValueError, TypeError, RecursionError):
            continue
    return None


def _append_whole(path: Path, data: bytes, *, sync: bool) -> None:
    """O_APPEND + one write, so concurrent consoles never interleave lines. A short write is cut
    back off (a fragment would spoil the next line) and reported as ENOSPC."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and _last_byte(path, size) != b"\n":
            data = b"\n" + data  # an older fragment without its newline: start on a line of our own
        written = os.write(fd, data)
        if written != len(data):
            os.ftruncate(fd, size)
            raise OSError(28, f"only {written} of {len(data)} bytes could be written (No space left on device)")
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _last_byte(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, 1, size - 1)
    finally:
        os.close(fd)


def local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry in some containers
        return ""
