"""``Sandboxes``: several repositories on one GitHub stand-in and one moto ECR server.

A team's repositories live on one GitHub host and (often) one AWS account: each repository here is a
whole :class:`Sandbox` (its history, its ECR repository named after it, its own pipeline simulator and
fault switches), and one loopback server routes ``/repos/OWNER/NAME/...`` to that repository's app.

    with Sandboxes(["acme/shop", "acme/cart", "acme/search"]) as sbs:
        sbs.env(), sbs.settings()  # one Settings per repository
        sbs["acme/cart"].faults     # break one repository only
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from starlette.types import Receive, Scope, Send

from console.config import Settings
from console.sandbox.loopback import LoopbackServer
from console.sandbox.server import START_TIMEOUT, Sandbox, reset_moto, shared_moto_server

# Run and job ids of the n-th repository start at n * ID_SPAN: unique across the host, like GitHub's.
ID_SPAN = 100_000_000
API_PREFIX = "/api/v3"  # GitHub Enterprise Server's mount of the same routes


class RepositoryRouter:
    """ASGI: a request about one repository goes to its app; anything else (``/user``,
    ``/rate_limit``, a path naming no known repository) to the first one, which answers like GitHub."""

    def __init__(self, members: Sequence[Sandbox]) -> None:
        self.members = list(members)
        self.by_name = {m.repo.lower(): m for m in members}

    def member_for(self, path: str) -> Sandbox:
        path = path[len(API_PREFIX):] if path.startswith(API_PREFIX + "/") else path
        parts = path.split("/")
        if len(parts) >= 4 and parts[1] == "repos":
            return self.by_name.get(f"{parts[2]}/{parts[3]}".lower(), self.members[0])
        if path.startswith("/_blobs/job-logs/") and parts[-1].isdigit():  # a log download names only its job
            job_id = int(parts[-1])
            return next((m for m in self.members if job_id in m.state.jobs), self.members[0])
        return self.members[0]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        member = self.member_for(scope.get("path", "")) if scope["type"] == "http" else self.members[0]
        await member.asgi_app(scope, receive, send)


class Sandboxes:
    """Several sandbox repositories behind one GitHub URL and one ECR endpoint. One at a time per
    process, like :class:`Sandbox` (moto's state is global)."""

    def __init__(self, repos: Sequence[str], *, seed: int = 7, port: int = 0, **common: Any) -> None:
        if not repos or len({r.lower() for r in repos}) != len(repos):
            raise ValueError(f"several distinct repositories are needed, not {list(repos)}")
        self.members = [
            Sandbox(seed=seed + n, repo=repo, ecr_repository=repo.split("/", 1)[1].lower(), first_id=n * ID_SPAN, **common)
            for n, repo in enumerate(repos)
        ]
        self.port = port
        self.github_url = ""
        self.ecr_endpoint_url = ""
        self.timings: dict[str, float] = {}
        self._http: LoopbackServer | None = None

    def __getitem__(self, repo: str) -> Sandbox:
        return next(m for m in self.members if m.repo.lower() == repo.lower())

    @property
    def repos(self) -> list[str]:
        return [m.repo for m in self.members]

    def start(self) -> Sandboxes:
        t0 = time.perf_counter()
        self.ecr_endpoint_url = reset_moto(shared_moto_server())
        for member in self.members:
            member.ecr_endpoint_url = self.ecr_endpoint_url
            member.prepare(t0)
        self._http = LoopbackServer(RepositoryRouter(self.members), self.port)
        for member in self.members:
            member.simulator.loop = self._http.loop
        self.github_url = self._http.start(timeout=START_TIMEOUT, on_exit=self._close_simulators)
        for member in self.members:
            member.github_url = self.github_url
            member.settle(t0)
        self.timings["total"] = time.perf_counter() - t0
        return self

    async def _close_simulators(self) -> None:
        for member in self.members:
            await member.simulator.aclose()

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None

    def __enter__(self) -> Sandboxes:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """What a client process needs: the first repository's environment, without naming a repository
        when there are several (each one's ECR repository is its name: the console's default)."""
        env = self.members[0].env()
        if len(self.members) > 1:
            for name in ("GHAECR_REPO", "GHAECR_ECR_REPOSITORY"):
                env.pop(name, None)
        return env

    def settings(self, **overrides: Any) -> list[Settings]:
        return [m.settings(**overrides) for m in self.members]

    def pause(self) -> None:
        for member in self.members:
            member.pause()

    def resume(self) -> None:
        for member in self.members:
            member.resume()
