"""The newest operations of this console's audit log for one repository, for the Overview: a stat
per refresh, the file re-read only when it changed (after an action, or another console's)."""

from __future__ import annotations

from console.actions.audit import AuditLog, AuditRecord
from console.errors import ConsoleError


class AuditTail:
    def __init__(self, log: AuditLog, repository: str, limit: int = 30) -> None:
        self.log, self.repository, self.limit = log, repository, limit
        self._seen: tuple[int, int] | None = None
        self._records: list[AuditRecord] = []

    def records(self) -> list[AuditRecord]:
        """Newest first (one per attempt). An unreadable log shows none: the Audit log (A) says why."""
        try:
            stat = self.log.path.stat()
        except OSError:
            self._seen, self._records = None, []
            return []
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            try:
                every = self.log.read()
            except ConsoleError:
                every = []
            self._records = [r for r in every if r.repository == self.repository][: self.limit]
            self._seen = seen
        return self._records
