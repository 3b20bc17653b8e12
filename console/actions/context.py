"""What every action needs (settings, GitHub, ECR, the audit log) and how an attempt is recorded."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from console.actions.audit import CANCELLED, FAILED, REFUSED, SUCCEEDED, AuditLog, AuditRecord
from console.actions.guard import Refused
from console.config import Settings
from console.errors import ConsoleError, PlanError, ReadOnlyError
from console.model import Image
from console.model.images import discover_targets


@dataclass
class ActionContext:
    settings: Settings
    github: Any  # console.services.github.GitHubService
    ecr: Any  # console.services.ecr.EcrService
    audit: AuditLog
    _user: str | None = field(default=None, repr=False)

    @classmethod
    def from_backend(cls, backend, settings: Settings | None = None, audit: AuditLog | None = None) -> ActionContext:
        settings = settings or backend.settings
        return cls(settings, backend.github, backend.ecr, audit or AuditLog.for_settings(settings))

    @property
    def known_user(self) -> str | None:
        return self._user

    async def user(self) -> str | None:
        """The GitHub login (for the audit log); None when GitHub cannot tell."""
        if self._user is None:
            try:
                self._user = await self.github.current_user()
            except ConsoleError:
                return None
        return self._user

    async def images(self) -> list[Image]:
        return list(await self.ecr.list_images())

    def targets(self, images: list[Image] | tuple[Image, ...]) -> tuple[str, ...]:
        return tuple(self.settings.targets) or discover_targets([t for i in images for t in i.tags])


@asynccontextmanager
async def recorded(ctx: ActionContext, record: AuditRecord) -> AsyncIterator[AuditRecord]:
    """Append ``record`` to the audit log when the attempt ends, however it ends."""
    ctx.audit.ensure_writable()  # no action that cannot be recorded
    try:
        yield record
        record.outcome = record.outcome or SUCCEEDED
    except (ReadOnlyError, Refused, PlanError) as exc:
        record.outcome, record.error = REFUSED, str(exc)
        raise
    except ConsoleError as exc:
        record.outcome, record.error = FAILED, str(exc)
        raise
    except (asyncio.CancelledError, KeyboardInterrupt):
        record.outcome, record.error = "interrupted", "the console stopped following; check the run on GitHub"
        raise
    except Exception as exc:
        record.outcome, record.error = FAILED, f"unexpected {type(exc).__name__}: {exc}"
        raise
    finally:
        record.user = record.user or ctx.known_user
        record.repository = record.repository or ctx.settings.repo
        ctx.audit.append(record)


def record_cancelled(ctx: ActionContext, record: AuditRecord) -> None:
    """The operator looked at a plan and said no: worth a line too."""
    record.outcome = CANCELLED
    record.user = record.user or ctx.known_user
    try:
        ctx.audit.append(record)
    except ConsoleError:
        pass  # nothing happened; the operator still needs to see "Cancelled", not an audit error
