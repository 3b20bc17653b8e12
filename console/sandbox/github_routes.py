"""What the GitHub stand-in's routes share: the request's state and API base, the repository and
run checks, the simulator's interface."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Protocol, TypeVar, overload

from starlette.requests import Request

from console.sandbox.http_features import Reply, not_found
from console.sandbox.state import WORKFLOWS, DeploymentRec, GitHubState, Run

T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Reply]]
RunHandler = Callable[[Request, Run], Awaitable[Reply]]


class Simulator(Protocol):
    def review(self, run: Run, environments: list[str], approve: bool, comment: str) -> list[DeploymentRec]: ...
    def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Run: ...
    def cancel(self, run: Run) -> None: ...
    def rerun(self, run: Run, failed_only: bool) -> None: ...


def api_url(request: Request) -> str:
    """The API base URL as the client used it (``/api/v3`` under the GitHub Enterprise mount)."""
    mount = request.scope.get("root_path", "")[len(request.scope.get("app_root_path", "")):]
    return str(request.base_url).rstrip("/") + mount


def gh_state(request: Request) -> GitHubState:
    st: GitHubState = request.app.state.github  # set by github_app.build_app
    return st


def simulator_of(request: Request) -> Simulator:
    sim: Simulator = request.app.state.simulator  # set by github_app.build_app
    return sim


def _repo_ok(request: Request) -> bool:
    st = gh_state(request)
    p = request.path_params
    return (p.get("owner", "").lower(), p.get("repo", "").lower()) == (st.owner.lower(), st.repo.lower())


def workflow_file(st: GitHubState, ident: str) -> str | None:
    for file, (wid, _name) in WORKFLOWS.items():
        if ident in (file, str(wid), f".github/workflows/{file}"):
            return file
    return None


def by_id(request: Request, param: str, table: Mapping[int, T]) -> T | None:
    """The record an integer path parameter names, or None (GitHub answers 404 for both)."""
    try:
        return table.get(int(request.path_params[param]))
    except ValueError:
        return None


def run_of(request: Request) -> Run | None:
    return by_id(request, "run_id", gh_state(request).runs)


def run_route(handler: RunHandler) -> Handler:
    """A route about one run: 404 when the path names none, else ``handler(request, run)``."""

    async def wrapped(request: Request) -> Reply:
        run = run_of(request)
        return not_found() if run is None else await handler(request, run)

    return wrapped


async def json_body(request: Request) -> dict | None:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


@overload
def repo_route(handler: Handler) -> Handler: ...
@overload
def repo_route(*, locked: bool = True) -> Callable[[Handler], Handler]: ...
def repo_route(handler: Handler | None = None, *, locked: bool = True) -> Handler | Callable[[Handler], Handler]:
    """404 "Not Found" for any repository but the sandbox's (as GitHub says for private repos).

    Reads run under the state lock; writes (which hop to the simulator's loop) must not hold it,
    or an in-process caller on another loop would deadlock with the simulator."""

    def wrap(handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Reply:
            if not _repo_ok(request):
                return not_found()
            if not locked:
                return await handler(request)
            with gh_state(request).lock:
                return await handler(request)

        return wrapped

    return wrap(handler) if handler is not None else wrap
