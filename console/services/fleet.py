"""Several repositories read side by side: one Backend per repository, the summary of its latest
read, and whether that read failed (the Repositories view marks it stale and keeps the last summary).

Each read is the cheapest that fills a summary (pointer tags, the runs, the pending reviews: no
deployments, no attestations), with GitHub's conditional GETs: on unchanged data GitHub answers
304s, which cost no rate limit, so an idle console costs nothing per repository.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from console.config import Settings
from console.errors import ConsoleError
from console.model.repo_summary import RepoSummary, Waiting, summarise, waiting_on_you
from console.model.snapshot import Snapshot
from console.services.ports import BackendPort


@dataclass
class Member:
    settings: Settings
    backend: BackendPort
    summary: RepoSummary | None = None
    stale: str | None = None  # why the last read failed; None once a read worked
    reading: bool = False

    @property
    def repo(self) -> str:
        return self.settings.repo


class Fleet:
    def __init__(self, members: Sequence[Member]) -> None:
        self.members = list(members)
        self.rounds = 0  # finished read_all calls (the idle-cost guard counts them)

    @classmethod
    def from_settings(cls, every: Sequence[Settings], make_backend: Callable[[Settings], BackendPort]) -> Fleet:
        return cls([Member(settings, make_backend(settings)) for settings in every])

    def member(self, repo: str) -> Member:
        return next(m for m in self.members if m.repo.lower() == repo.lower())

    def summaries(self) -> list[RepoSummary]:
        return [m.summary for m in self.members if m.summary is not None]

    def waiting_on_you(self) -> list[Waiting]:
        return waiting_on_you(self.summaries())

    def record(self, repo: str, snapshot: Snapshot) -> None:
        """A fresh read of ``repo`` (from here, or the console's own poll of the repository on screen)."""
        member = self.member(repo)
        member.summary = summarise(snapshot, member.settings.workflows.cd)
        member.stale = None

    def failed(self, repo: str, reason: str) -> None:
        self.member(repo).stale = reason

    async def read(self, member: Member) -> None:
        member.reading = True
        try:
            snapshot = await member.backend.snapshot(pointers_only=True, summary_only=True)
        except ConsoleError as error:
            member.stale = error.message
            return
        except Exception as error:  # a bug: stale here, and raised for the caller's crash report
            member.stale = f"unexpected error ({type(error).__name__})"
            raise
        finally:
            member.reading = False
        self.record(member.repo, snapshot)

    async def read_all(self, *, skip: str | None = None) -> None:
        """Read every repository but ``skip`` (the console polls that one itself), at once; a repository
        still being read is left to that read."""
        chosen = [m for m in self.members if not m.reading and m.repo != skip]
        results = await asyncio.gather(*(self.read(m) for m in chosen), return_exceptions=True)
        self.rounds += 1
        bug = next((r for r in results if isinstance(r, BaseException)), None)
        if bug is not None:
            raise bug

    async def aclose(self) -> None:
        for member in self.members:
            await member.backend.aclose()
