"""The append-only audit log: one JSON line per attempted action, in the user state directory.

Every attempt is recorded — done, failed, refused (read-only, single-flight) or cancelled — with
who, what, from -> to, the dispatched run and the outcome. Never a token: the configured token is
redacted from every string before the line is written.
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

# Outcomes
SUCCEEDED = "succeeded"
FAILED = "failed"
REFUSED = "refused"
CANCELLED = "cancelled"


@dataclass
class AuditRecord:
    action: str  # approve | reject | rollback | prune
    repository: str
    mode: str = "workflow"  # workflow | direct | api (approve/reject go through the API)
    time: str = ""
    user: str | None = None  # GitHub login, when known (a refused write makes no request to learn it)
    local_user: str = ""
    environment: str | None = None
    targets: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # rollback: target, from, to, to_ref
    digests: list[str] = field(default_factory=list)  # prune: the chosen digests; approve: what goes out
    run_id: int | None = None
    run_url: str | None = None
    request_id: str | None = None
    comment: str | None = None
    outcome: str = ""
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)  # e.g. prune: deleted/kept/failed

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditRecord:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def when(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.time)
        except ValueError:
            return None


class AuditLog:
    def __init__(self, path: Path, *, redact: tuple[str, ...] = ()) -> None:
        self.path = path
        self._redact = tuple(s for s in redact if s)

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        return cls(state_dir() / AUDIT_FILE, redact=(settings.token or "",))

    def append(self, record: AuditRecord) -> AuditRecord:
        """Write one line. Failing to write the audit log is itself reported, never swallowed."""
        if not record.time:
            record.time = datetime.now(UTC).isoformat(timespec="seconds")
        if not record.local_user:
            record.local_user = _local_user()
        line = self._scrub(json.dumps(asdict(record), sort_keys=True, default=str)) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND + one write: concurrent consoles never interleave half lines.
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode())
            finally:
                os.close(fd)
        except OSError as exc:
            raise ConsoleError(f"Could not write the audit log {self.path}: {exc.strerror}; fix its permissions.") from exc
        return record

    def ensure_writable(self) -> None:
        """Refuse to act when the record could not be written afterwards (checked before any write)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        except OSError as exc:
            raise ConsoleError(
                f"Cannot write the audit log {self.path} ({exc.strerror}); fix its permissions or set "
                "GHAECR_CONSOLE_STATE_DIR. Nothing was done."
            ) from exc

    def read(self, limit: int | None = None) -> list[AuditRecord]:
        """Records newest first; unreadable lines are skipped."""
        try:
            lines = self.path.read_text().splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ConsoleError(f"Could not read the audit log {self.path}: {exc.strerror}.") from exc
        records = []
        for line in reversed(lines):
            try:
                records.append(AuditRecord.from_json(json.loads(line)))
            except (ValueError, TypeError):
                continue
            if limit is not None and len(records) >= limit:
                break
        return records

    def _scrub(self, text: str) -> str:
        for secret in self._redact:
            text = text.replace(secret, "***")
        return text


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry in some containers
        return ""
