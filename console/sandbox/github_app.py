"""The GitHub stand-in: a Starlette app serving the REST endpoints the console uses, as github.com does."""

from __future__ import annotations

import hashlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from console.sandbox import actions_settings, attestations, contents, release_routes
from console.sandbox import serializers as ser
from console.sandbox.faults import Faults
from console.sandbox.github_routes import Simulator, api_url, by_id, gh_state, repo_route, run_route, workflow_file
from console.sandbox.github_writes import (
    cancel_run,
    dispatch,
    get_pending,
    get_reviews,
    rerun_failed_jobs,
    rerun_run,
    review_pending,
)
from console.sandbox.http_features import Reply, endpoint, finish, not_found, paginate
from console.sandbox.logs import render_job_log
from console.sandbox.state import WORKFLOWS, GitHubState, Run

RUN_STATUSES = {"queued", "in_progress", "completed", "waiting", "requested", "pending"}


# --- user, rate limit, repository ---------------------------------------------------------------


async def get_user(request: Request) -> Reply:
    st = gh_state(request)
    return Reply(200, ser.private_user(api_url(request), st.user, st.created_at),
                 {"x-oauth-scopes": "repo, workflow, read:org", "x-accepted-oauth-scopes": ""})


async def get_rate_limit(request: Request) -> Reply:
    st = gh_state(request)
    core = {"limit": st.ratelimit_limit, "remaining": max(st.ratelimit_limit - st.ratelimit_used, 0),
            "reset": st.ratelimit_reset, "used": st.ratelimit_used, "resource": "core"}
    search = {"limit": 30, "remaining": 30, "reset": st.ratelimit_reset, "used": 0, "resource": "search"}
    return Reply(200, {"resources": {"core": core, "search": search}, "rate": core}, counted=False)


@repo_route
async def get_repo(request: Request) -> Reply:
    return Reply(200, ser.full_repository(api_url(request), gh_state(request)))


# --- workflows and runs --------------------------------------------------------------------------


@repo_route
async def list_workflows(request: Request) -> Reply:
    st = gh_state(request)
    items = [ser.workflow(api_url(request), st, f) for f in WORKFLOWS]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), "workflows": page}, headers)


def _filter_runs(request: Request, runs: list[Run]) -> list[Run]:
    q = request.query_params
    if q.get("branch"):
        runs = [r for r in runs if r.head_branch == q["branch"]]
    if q.get("event"):
        runs = [r for r in runs if r.event == q["event"]]
    if q.get("actor"):
        runs = [r for r in runs if r.actor == q["actor"]]
    if q.get("head_sha"):
        runs = [r for r in runs if r.head_sha == q["head_sha"]]
    if q.get("status"):  # a status or a conclusion, like GitHub
        s = q["status"]
        runs = [r for r in runs if (r.status == s if s in RUN_STATUSES else r.conclusion == s)]
    return runs


def _runs_reply(request: Request, runs: list[Run]) -> Reply:
    st, faults = gh_state(request), request.app.state.faults
    runs = [r for r in _filter_runs(request, runs) if not faults.hides(r.id, faults.runs_list_delay_s)]
    page, headers = paginate(request, runs)
    api = api_url(request)
    return Reply(200, {"total_count": len(runs), "workflow_runs": [ser.workflow_run(api, st, r) for r in page]},
                 headers)


@repo_route
async def list_workflow_runs(request: Request) -> Reply:
    st = gh_state(request)
    file = workflow_file(st, request.path_params["workflow_id"])
    if file is None:
        return not_found()
    return _runs_reply(request, [r for r in st.runs_newest_first() if r.workflow == file])


@repo_route
async def list_repo_runs(request: Request) -> Reply:
    return _runs_reply(request, gh_state(request).runs_newest_first())


@repo_route
@run_route
async def get_run(request: Request, run: Run) -> Reply:
    return Reply(200, ser.workflow_run(api_url(request), gh_state(request), run))


@repo_route
@run_route
async def list_jobs(request: Request, run: Run) -> Reply:
    st, api = gh_state(request), api_url(request)
    items = [ser.job(api, st, run, j) for j in run.jobs]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), "jobs": page}, headers)


def _log_signature(job_id: int) -> str:
    return hashlib.sha256(f"sandbox-log:{job_id}".encode()).hexdigest()[:32]


@repo_route
async def job_logs(request: Request) -> Reply:
    """Like GitHub: 302 to a short-lived URL that serves the text without the API token."""
    job = by_id(request, "job_id", gh_state(request).jobs)
    if job is None:
        return not_found()
    location = f"{api_url(request)}/_blobs/job-logs/{job.id}?sig={_log_signature(job.id)}"
    return Reply(302, None, {"location": location}, etag=False)


async def log_blob(request: Request) -> Response:
    """The log download itself (another host on github.com: no auth, not rate limited)."""
    st: GitHubState = request.app.state.github
    job_id = int(request.path_params["job_id"])
    with st.lock:
        job = st.jobs.get(job_id)
        if job is None or request.query_params.get("sig") != _log_signature(job_id):
            return finish(request, st, Reply(404, "BlobNotFound", counted=False, etag=False))
        text = render_job_log(st.runs[job.run_id], job)
    return finish(request, st, Reply(200, text, counted=False))


# --- environments, deployments, compare ----------------------------------------------------------


@repo_route
async def list_environments(request: Request) -> Reply:
    st, api = gh_state(request), api_url(request)
    items = [ser.environment(api, st, e) for e in st.environments.values()]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), "environments": page}, headers)


@repo_route
async def get_environment(request: Request) -> Reply:
    st = gh_state(request)
    env = st.environments.get(request.path_params["name"])
    return Reply(200, ser.environment(api_url(request), st, env)) if env else not_found()


@repo_route
async def list_deployments(request: Request) -> Reply:
    st, q = gh_state(request), request.query_params
    deps = st.deployments_newest_first()
    for key in ("environment", "ref", "sha", "task"):
        if q.get(key):
            deps = [d for d in deps if getattr(d, key) == q[key]]
    page, headers = paginate(request, deps)
    api = api_url(request)
    return Reply(200, [ser.deployment(api, st, d) for d in page], headers)


@repo_route
async def list_deployment_statuses(request: Request) -> Reply:
    st = gh_state(request)
    dep = by_id(request, "deployment_id", st.deployments)
    if dep is None:
        return not_found()
    api = api_url(request)
    items = [ser.deployment_status(api, st, dep, s) for s in reversed(dep.statuses)]
    page, headers = paginate(request, items)
    return Reply(200, page, headers)


@repo_route
async def compare(request: Request) -> Reply:
    st = gh_state(request)
    base_ref, sep, head_ref = request.path_params["basehead"].partition("...")
    base, head = st.commit(base_ref), st.commit(head_ref) if sep else None
    if base is None or head is None:
        return not_found()
    b, h = st.commit_index(base.sha), st.commit_index(head.sha)
    between = st.commits[b + 1 : h + 1] if h > b else []
    status = "identical" if b == h else ("ahead" if h > b else "behind")
    ahead, behind = max(h - b, 0), max(b - h, 0)
    body = ser.comparison(api_url(request), st, base_ref, head_ref, base, head, between, status, ahead, behind,
                          st.commits[min(b, h)])
    return Reply(200, body)


@repo_route
async def get_contents(request: Request) -> Reply:
    return await contents.get_contents(request, gh_state(request), api_url(request))


@repo_route
async def list_attestations(request: Request) -> Reply:
    return await attestations.list_attestations(request, gh_state(request), api_url(request))


async def fallback(request: Request) -> Response:
    """Any other path: GitHub's 404 (recorded and counted, like the real API)."""
    return await endpoint(_not_found_reply)(request)


async def _not_found_reply(request: Request) -> Reply:
    return not_found()


def build_app(state: GitHubState, faults: Faults, simulator: Simulator | None) -> Starlette:
    R = "/repos/{owner}/{repo}"
    routes = [
        Route("/user", endpoint(get_user)),
        Route("/rate_limit", endpoint(get_rate_limit, counted=False)),
        Route(R, endpoint(get_repo, kind="repo")),
        Route(R + "/actions/workflows", endpoint(list_workflows, kind="workflows")),
        Route(R + "/actions/workflows/{workflow_id}/runs", endpoint(list_workflow_runs, kind="runs")),
        Route(R + "/actions/workflows/{workflow_id}/dispatches", endpoint(dispatch, kind="dispatch"), methods=["POST"]),
        Route(R + "/actions/runs", endpoint(list_repo_runs, kind="runs")),
        Route(R + "/actions/runs/{run_id}", endpoint(get_run, kind="runs")),
        Route(R + "/actions/runs/{run_id}/jobs", endpoint(list_jobs, kind="jobs")),
        Route(R + "/actions/runs/{run_id}/cancel", endpoint(cancel_run, kind="cancel"), methods=["POST"]),
        Route(R + "/actions/runs/{run_id}/rerun", endpoint(rerun_run, kind="rerun"), methods=["POST"]),
        Route(R + "/actions/runs/{run_id}/rerun-failed-jobs", endpoint(rerun_failed_jobs, kind="rerun"), methods=["POST"]),
        Route(R + "/actions/runs/{run_id}/pending_deployments", endpoint(get_pending, kind="pending")),
        Route(R + "/actions/runs/{run_id}/pending_deployments", endpoint(review_pending, kind="review"), methods=["POST"]),
        Route(R + "/actions/runs/{run_id}/approvals", endpoint(get_reviews, kind="pending")),
        Route(R + "/actions/jobs/{job_id}/logs", endpoint(job_logs, kind="logs")),
        Route(R + "/environments", endpoint(list_environments, kind="environments")),
        Route(R + "/environments/{name}", endpoint(get_environment, kind="environments")),
        Route(R + "/environments/{name}/deployment_protection_rules",
              endpoint(release_routes.protection_rules, kind="protection_rules")),
        Route(R + "/commits/{ref}/status", endpoint(release_routes.combined_status, kind="statuses")),
        Route(R + "/commits/{ref}/statuses", endpoint(release_routes.list_statuses, kind="statuses")),
        Route(R + "/actions/runs/{run_id}/deployment_protection_rule", endpoint(release_routes.app_review, kind="review"),
              methods=["POST"]),
        Route(R + "/deployments", endpoint(list_deployments, kind="deployments")),
        Route(R + "/deployments/{deployment_id}/statuses", endpoint(list_deployment_statuses, kind="deployments")),
        Route(R + "/compare/{basehead:path}", endpoint(compare, kind="compare")),
        Route(R + "/contents/{path:path}", endpoint(get_contents, kind="contents")),
        Route(R + "/attestations/{subject_digest}", endpoint(list_attestations, kind="attestations")),
        *actions_settings.routes(R),
        Route("/_blobs/job-logs/{job_id:int}", log_blob),
    ]
    anything = Route("/{path:path}", fallback, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    # github.com serves the API at the root; GitHub Enterprise Server under /api/v3.
    app = Starlette(routes=[*routes, Mount("/api/v3", routes=[*routes, anything]), anything])
    app.state.github = state
    app.state.faults = faults
    app.state.simulator = simulator
    return app
