"""A GitHub that answers with bodies drawn from GitHub's OpenAPI description (openapi.py).

``worlds(loose)`` draws one body per endpoint the console reads, then ties a few fields together
the way a real repository does (runs of the bundled workflows, deployments to staging/production
whose payload names one of the runs and whose statuses name a digest in ECR), so the console's
joins are exercised too, not only its parsers. ``GeneratedGitHub(world)`` is an ASGI app serving
that world: hand it to githubkit through ``httpx.ASGITransport`` (services, views) or serve it on
127.0.0.1 with the sandbox's LoopbackServer (the CLI, which builds its own client from the URL).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from tests.properties.openapi import HOSTILE, body

REPO = "acme/shop"
ENDPOINTS = ("user", "runs", "run", "jobs", "pending", "environments", "deployments", "statuses", "compare",
             "environment", "protection_rules", "combined_status")
WORKFLOW_PATHS = [".github/workflows/ci.yml@refs/heads/main", ".github/workflows/cd.yml@refs/tags/v1.2.0",
                  ".github/workflows/cd.yml@refs/heads/main", ""]
ENVIRONMENTS = ["staging", "production", "preview/pr-1", "[red]prod[/]"]
WORKFLOW_FILES = ("ci.yml", "cd.yml", "security.yml")  # the console's defaults
REFS = ["main", "v1.2.0", "v1.1.0", "sha-" + "a" * 40, "refs/heads/😀"]


def worlds(*, loose: bool, digests: tuple[str, ...] = ()) -> st.SearchStrategy[dict[str, Any]]:
    """One body per endpoint; ``digests``: images in ECR that deployments may name."""
    bodies = st.fixed_dictionaries({name: body(name, loose=loose) for name in ENDPOINTS})
    return st.tuples(bodies, st.randoms(use_true_random=False)).map(lambda pair: tie(pair[0], pair[1], digests))


def tie(world: dict[str, Any], rnd, digests: tuple[str, ...]) -> dict[str, Any]:
    """Make some items refer to each other, as in a real repository (in place; returns world)."""
    runs = _items(world["runs"], "workflow_runs")
    run_ids = [r["id"] for r in runs if isinstance(r.get("id"), int)] or [1]
    for run in runs:
        if rnd.random() < 0.7:
            run["path"] = rnd.choice(WORKFLOW_PATHS)
            run["head_branch"] = rnd.choice(REFS)
            run["status"] = rnd.choice(["waiting", "waiting", "in_progress", "queued", "completed"])  # waiting: approvals
    for deployment in _items(world, "deployments"):
        if rnd.random() < 0.7:
            deployment["environment"] = rnd.choice(ENVIRONMENTS)
            deployment["ref"] = rnd.choice(REFS)
            deployment["payload"] = rnd.choice([{"run_id": rnd.choice(run_ids)}, f'{{"run_id": {rnd.choice(run_ids)}}}',
                                                "{not json", {"run_id": "x"}, {}])
    for status in _items(world, "statuses"):
        if digests and rnd.random() < 0.7:
            status["environment_url"] = ("https://us-east-1.console.aws.amazon.com/ecr/repositories/private/"
                                         f"123456789012/shop/_/image/{rnd.choice(digests)}/details?region=us-east-1")
    for pending in _items(world, "pending"):
        if isinstance(pending.get("environment"), dict) and rnd.random() < 0.7:
            pending["environment"]["name"] = rnd.choice(ENVIRONMENTS)
    if rnd.random() < 0.5:
        repeat_ids(world)
    return world


# Where each list endpoint keeps its items (None: the body is the list).
LISTS = {"runs": "workflow_runs", "jobs": "jobs", "environments": "environments", "deployments": None,
         "pending": None, "statuses": None}


def repeat_ids(world: dict[str, Any]) -> dict[str, Any]:
    """Every list repeats its first item with a newer state, as a read across two pages does when an
    item moved between them (GitHub pages by offset). In place; returns world."""
    for name, key in LISTS.items():
        items = world.get(name) if key is None else (world.get(name) or {}).get(key)
        if isinstance(items, list) and items and isinstance(items[0], dict):
            items.append(dict(items[0], status="completed", conclusion="success", state="success"))
    return world


def _items(container: Any, key: str) -> list[dict[str, Any]]:
    items = container.get(key) if isinstance(container, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


class GeneratedGitHub:
    """ASGI app answering every GET the console makes from one drawn world."""

    def __init__(self, world: dict[str, Any]) -> None:
        self.world = world
        self.requests: list[str] = []
        r = "/repos/{owner}/{repo}"
        routes = [
            Route("/user", self._body("user")),
            Route(r, lambda _: JSONResponse({"full_name": REPO, "id": 1})),
            Route(r + "/actions/workflows/{workflow}/runs", self._runs),
            Route(r + "/actions/runs/{run_id:int}", self._body("run")),
            Route(r + "/actions/runs/{run_id:int}/jobs", self._body("jobs")),
            Route(r + "/actions/runs/{run_id:int}/pending_deployments", self._body("pending")),
            Route(r + "/actions/jobs/{job_id:int}/logs", lambda _: PlainTextResponse("\n".join(HOSTILE))),
            Route(r + "/environments", self._body("environments")),
            Route(r + "/environments/{name}", self._body("environment")),
            Route(r + "/environments/{name}/deployment_protection_rules", self._body("protection_rules")),
            Route(r + "/commits/{ref}/status", self._body("combined_status")),
            Route(r + "/deployments", self._body("deployments")),
            Route(r + "/deployments/{deployment_id:int}/statuses", self._body("statuses")),
            Route(r + "/compare/{basehead:path}", self._body("compare")),
        ]
        self.app = Starlette(routes=routes)

    def _body(self, name: str):
        async def answer(request: Request) -> JSONResponse:
            self.requests.append(f"{request.method} {request.url.path}")
            return JSONResponse(self.world[name])

        return answer

    def serve(self, world: dict[str, Any]) -> None:
        """Answer from ``world`` from now on."""
        self.world = world

    async def _runs(self, request: Request) -> JSONResponse:
        """The drawn runs, under ids of this workflow's own: run ids are unique across a repository
        (repeats within one list stay: that is the offset-pagination repeat)."""
        self.requests.append(f"{request.method} {request.url.path}")
        body = self.world["runs"]
        offset = WORKFLOW_FILES.index(request.path_params["workflow"]) * 10**7 if request.path_params["workflow"] in WORKFLOW_FILES else 0
        if offset and isinstance(body, dict) and isinstance(body.get("workflow_runs"), list):
            runs = [dict(r, id=r["id"] + offset) if isinstance(r, dict) and isinstance(r.get("id"), int) else r
                    for r in body["workflow_runs"]]
            body = {**body, "workflow_runs": runs}
        return JSONResponse(body)

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)
