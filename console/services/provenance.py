"""Which images carry a build-provenance attestation from this repository's CI/CD, read cheaply.

``ProvenanceReader(github, repo, workflows).of(digests)`` -> {digest: (Provenance, line)}.
An attestation never changes once made, so a found verdict is kept for the life of the console
(bounded, oldest dropped first); so is "none", except for the ``recent`` digests (pushed within the
hour: CD attests a build a minute after pushing it), asked again after ``recheck_s``; a failure is
"unknown" and not kept. At most ``CONCURRENCY`` requests at
once; every request is a conditional GET (an unchanged 404/200 costs a 304).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable

from console.errors import ConsoleError, PermissionDenied
from console.model.attestations import Provenance, provenance_of
from console.services.ports import GitHubPort

CONCURRENCY = 8
KEEP = 20_000
Verdict = tuple[Provenance, str]


class ProvenanceReader:
    def __init__(self, github: GitHubPort, repo: str, workflows: tuple[str, ...], *, recheck_s: float = 300.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.github, self.repo, self.workflows = github, repo, workflows
        self.recheck_s, self._now = recheck_s, now
        self._found: OrderedDict[str, Verdict] = OrderedDict()  # never changes once present
        self._none: dict[str, float] = {}  # digest -> when GitHub said "none"
        self.denied: str | None = None  # the token may not read attestations (one sentence)

    def known(self, digest: str, recent: bool = False) -> Verdict | None:
        if digest in self._found:
            return self._found[digest]
        asked = self._none.get(digest)
        if asked is not None and (not recent or self._now() - asked < self.recheck_s):
            return Provenance.NONE, "no build provenance attestation"
        return None

    async def of(self, digests: Iterable[str], recent: Collection[str] = ()) -> dict[str, Verdict]:
        wanted = list(dict.fromkeys(digests))
        verdicts = {d: v for d in wanted if (v := self.known(d, d in recent)) is not None}
        ask = [d for d in wanted if d not in verdicts]
        if ask and self.denied is None:
            limit = asyncio.Semaphore(CONCURRENCY)
            answers = await asyncio.gather(*(self._ask(d, limit) for d in ask))
            verdicts.update(zip(ask, answers))
        for digest in wanted:
            verdicts.setdefault(digest, (Provenance.UNKNOWN, self.denied or "not checked"))
        return verdicts

    async def _ask(self, digest: str, limit: asyncio.Semaphore) -> Verdict:
        if not hasattr(self.github, "attestations"):
            return Provenance.UNKNOWN, "this GitHub client cannot read attestations"
        try:
            async with limit:
                found = await self.github.attestations(digest)
        except PermissionDenied:
            self.denied = "cannot read attestations: the token needs attestations:read"
            return Provenance.UNKNOWN, self.denied
        except ConsoleError as exc:
            return Provenance.UNKNOWN, f"GitHub could not tell ({exc})"
        verdict = provenance_of(found, self.repo, self.workflows)
        if verdict[0] is Provenance.NONE:
            self._none[digest] = self._now()
            if len(self._none) > KEEP:
                self._none.pop(next(iter(self._none)))
        else:
            self._found[digest] = verdict
            self._none.pop(digest, None)
            while len(self._found) > KEEP:
                self._found.popitem(last=False)
        return verdict
