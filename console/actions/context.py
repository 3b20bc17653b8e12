"""What every action needs: settings, GitHub, ECR, the audit log (attempt.py records through it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.actions.audit import AuditLog
from console.config import Settings
from console.errors import ConsoleError
from console.model import Image
from console.model.images import known_targets
from console.services.ports import BackendPort, EcrPort, GitHubPort


@dataclass
class ActionContext:
    settings: Settings
    github: GitHubPort
    ecr: EcrPort
    audit: AuditLog
    _user: str | None = field(default=None, repr=False)

    @classmethod
    def from_backend(cls, backend: BackendPort, settings: Settings | None = None, audit: AuditLog | None = None) -> ActionContext:
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
        """The known targets (never narrowed by --target: see known_targets)."""
        return known_targets(self.settings.targets, {t for i in images for t in i.tags})
