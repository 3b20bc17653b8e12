"""The GitHub stand-in: a Starlette app serving the REST endpoints the console uses, as github.com does."""

from __future__ import annotations

import hashlib
import json
from typing import Protocol

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from console.sandbox import contents
from console.sandbox import serializers as ser
from console.sandbox.dispatch_rules import DISPATCH_INPUTS, check_api_inputs
from console.sandbox.faults import Faults
from console.sandbox.http_features import Reply, endpoint, error, finish, not_found, paginate
from console.sandbox.logs import render_job_log
from console.sandbox.state import WORKFLOWS, DeploymentRec, GitHubState, ReviewRec, Run

RUN_STATUSES = {"queued", "in_progress", "completed", "waiting", "requested", "pending"}


class Simulator(Protocol):
    def review(self, run: Run, environments: list[str], approve: bool, comment: str) -> list[DeploymentRec]: ...
    def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Run: ...
    def cancel(self, run: Run) -> None: ...
    def rerun(self, run: Run, failed_only: bool) -> None: ...


def _api(request: Request) -> str:
    """The API base URL as the client used it (``/api/v3`` under the GitHub Enterprise mount)."""
    mount = request.scope.get("root_path", "")[len(request.scope.get("app_root_path", "")):]
    return str(request.base_url).rstrip("/") + mount


def _st(request: Request) -> GitHubState:
    return request.app.state.github


def _repo_ok(request: Request) -> bool:
    st = _st(request)
    p = request.path_params
    return (p.get("owner", "").lower(), p.get("repo", "").lower()) == (st.owner.lower(), st.repo.lower())


def _workflow_file(st: GitHubState, ident: str) -> str | None:
    for file, (wid, _name) in WORKFLOWS.items():
        if ident in (file, str(wid), f".github/workflows/{file}"):
            return file
    return None


def _by_id(request: Request, param: str, table: dict):
    """The record an integer path parameter names, or None (GitHub answers 404 for both)."""
    try:
        return table.get(int(request.path_params[param]))
    except ValueError:
        return None


def _run(request: Request) -> Run | None:
    return _by_id(request, "run_id", _st(request).runs)


def run_route(handler):
    """A route about one run: 404 when the path names none, else ``handler(request, run)``."""

    async def wrapped(request: Request) -> Reply:
        run = _run(request)
        return not_found() if run is None else await handler(request, run)

    return wrapped


async def _json(request: Request) -> dict | None:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def repo_route(handler=None, *, locked: bool = True):
    """404 "Not Found" for any repository but the sandbox's (as GitHub says for private repos).

    Reads run under the state lock; writes (which hop to the simulator's loop) must not hold it,
    or an in-process caller on another loop would deadlock with the simulator."""

    def wrap(handler):
        async def wrapped(request: Request) -> Reply:
            if not _repo_ok(request):
                return not_found()
            if not locked:
                return await handler(request)
            with _st(request).lock:
                return await handler(request)

        return wrapped

    return wrap(handler) if handler is not None else wrap


# --- user, rate limit, repository ---------------------------------------------------------------


async def get_user(request: Request) -> Reply:
    st = _st(request)
    return Reply(200, ser.private_user(_api(request), st.user, st.created_at),
                 {"x-oauth-scopes": "repo, workflow, read:org", "x-accepted-oauth-scopes": ""})


async def get_rate_limit(request: Request) -> Reply:
    st = _st(request)
    core = {"limit": st.ratelimit_limit, "remaining": max(st.ratelimit_limit - st.ratelimit_used, 0),
            "reset": st.ratelimit_reset, "used": st.ratelimit_used, "resource": "core"}
    search = {"limit": 30, "remaining": 30, "reset": st.ratelimit_reset, "used": 0, "resource": "search"}
    return Reply(200, {"resources": {"core": core, "search": search}, "rate": core}, counted=False)


@repo_route
async def get_repo(request: Request) -> Reply:
    return Reply(200, ser.full_repository(_api(request), _st(request)))


# --- workflows and runs --------------------------------------------------------------------------


@repo_route
async def list_workflows(request: Request) -> Reply:
    st = _st(request)
    items = [ser.workflow(_api(request), st, f) for f in WORKFLOWS]
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
    st, faults = _st(request), request.app.state.faults
    runs = [r for r in _filter_runs(request, runs) if not faults.hides(r.id, faults.runs_list_delay_s)]
    page, headers = paginate(request, runs)
    api = _api(request)
    return Reply(200, {"total_count": len(runs), "workflow_runs": [ser.workflow_run(api, st, r) for r in page]},
                 headers)


@repo_route
async def list_workflow_runs(request: Request) -> Reply:
    st = _st(request)
    file = _workflow_file(st, request.path_params["workflow_id"])
    if file is None:
        return not_found()
    return _runs_reply(request, [r for r in st.runs_newest_first() if r.workflow == file])


@repo_route
async def list_repo_runs(request: Request) -> Reply:
    return _runs_reply(request, _st(request).runs_newest_first())


@repo_route
@run_route
async def get_run(request: Request, run: Run) -> Reply:
    return Reply(200, ser.workflow_run(_api(request), _st(request), run))


@repo_route
@run_route
async def list_jobs(request: Request, run: Run) -> Reply:
    st, api = _st(request), _api(request)
    items = [ser.job(api, st, run, j) for j in run.jobs]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), "jobs": page}, headers)


def _log_signature(job_id: int) -> str:
    return hashlib.sha256(f"sandbox-log:{job_id}".encode()).hexdigest()[:32]


@repo_route
async def job_logs(request: Request) -> Reply:
    """Like GitHub: 302 to a short-lived URL that serves the text without the API token."""
    job = _by_id(request, "job_id", _st(request).jobs)
    if job is None:
        return not_found()
    location = f"{_api(request)}/_blobs/job-logs/{job.id}?sig={_log_signature(job.id)}"
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


# --- approvals -----------------------------------------------------------------------------------


@repo_route
@run_route
async def get_pending(request: Request, run: Run) -> Reply:
    st, api = _st(request), _api(request)
    items = [ser.pending_deployment(api, st, run, st.environments[e]) for e in run.pending]
    return Reply(200, items)


@repo_route(locked=False)
@run_route
async def review_pending(request: Request, run: Run) -> Reply:
    st = _st(request)
    body = await _json(request)
    if body is None:
        return error(400, "Problems parsing JSON")
    ids, state, comment = body.get("environment_ids"), body.get("state"), body.get("comment")
    if not isinstance(ids, list) or state not in ("approved", "rejected") or not isinstance(comment, str):
        return error(422, "Invalid request.\n\nenvironment_ids, state (approved|rejected) and comment are required.")
    by_id = {env.id: name for name, env in st.environments.items()}
    wanted = [by_id.get(i) for i in ids]
    pending = [name for name in wanted if name in run.pending]
    if not pending or len(pending) != len(ids):
        return error(422, "No pending deployment requests to approve or reject")
    if any(st.user not in st.environments[name].reviewers for name in pending):
        return error(422, f"{st.user} is not a required reviewer for this environment")
    sim: Simulator = request.app.state.simulator
    created = sim.review(run, pending, state == "approved", comment)
    with st.lock:
        run.reviews.append(ReviewRec(state, st.user, comment, tuple(pending)))
    api = _api(request)
    return Reply(200, [ser.deployment(api, st, d) for d in created], counted=True)


@repo_route
@run_route
async def get_reviews(request: Request, run: Run) -> Reply:
    st, api = _st(request), _api(request)
    return Reply(200, [ser.run_review(api, st, r) for r in run.reviews])


@repo_route(locked=False)
@run_route
async def cancel_run(request: Request, run: Run) -> Reply:
    if run.status == "completed":
        return error(409, "Cannot cancel a workflow run that is completed.")
    sim: Simulator = request.app.state.simulator
    sim.cancel(run)
    return Reply(202, {})


async def _rerun(request: Request, run: Run, failed_only: bool) -> Reply:
    """A new attempt of a completed run (201 with an empty object, like GitHub); 403 while it runs."""
    if run.status != "completed":
        return error(403, f"This workflow run is not completed: run {run.id} cannot be re-run until it ends.")
    if failed_only and not any(j.conclusion in ("failure", "cancelled", "timed_out") for j in run.jobs):
        return error(403, f"This workflow run has no failed jobs to re-run (run {run.id} ended {run.conclusion}).")
    sim: Simulator = request.app.state.simulator
    sim.rerun(run, failed_only)
    return Reply(201, {})


@repo_route(locked=False)
@run_route
async def rerun_run(request: Request, run: Run) -> Reply:
    return await _rerun(request, run, failed_only=False)


@repo_route(locked=False)
@run_route
async def rerun_failed_jobs(request: Request, run: Run) -> Reply:
    return await _rerun(request, run, failed_only=True)


# --- dispatch ------------------------------------------------------------------------------------


@repo_route(locked=False)
async def dispatch(request: Request) -> Reply:
    st = _st(request)
    file = _workflow_file(st, request.path_params["workflow_id"])
    if file is None:
        return not_found()
    if file not in DISPATCH_INPUTS:
        return error(422, "Workflow does not have 'workflow_dispatch' trigger")
    body = await _json(request)
    if body is None:
        return error(400, "Problems parsing JSON")
    faults: Faults = request.app.state.faults
    details = body.get("return_run_details")
    if details is not None and faults.dispatch_details_unsupported:
        return error(422, 'Invalid request.\n\n"return_run_details" is not a permitted key.')
    unknown_keys = set(body) - {"ref", "inputs", "return_run_details"}
    if unknown_keys:
        return error(422, f'Invalid request.\n\n"{sorted(unknown_keys)[0]}" is not a permitted key.')
    ref = body.get("ref")
    if not isinstance(ref, str) or not ref:
        return error(422, "Invalid request.\n\n\"ref\" wasn't supplied.")
    if st.commit(ref.removeprefix("refs/heads/").removeprefix("refs/tags/")) is None:
        return error(422, f"No ref found for: {ref}")
    inputs = body.get("inputs") or {}
    if not isinstance(inputs, dict) or (problem := check_api_inputs(file, inputs)):
        return error(422, problem or "Invalid request.\n\nFor 'properties/inputs', it is not an object.")
    sim: Simulator = request.app.state.simulator
    run = sim.dispatch(file, ref.removeprefix("refs/heads/").removeprefix("refs/tags/"), inputs)
    faults.note_dispatch(run.id)
    if details:
        api = _api(request)
        return Reply(200, {"workflow_run_id": run.id,
                           "run_url": f"{api}/repos/{st.full_name}/actions/runs/{run.id}",
                           "html_url": f"{ser.HTML}/{st.full_name}/actions/runs/{run.id}"})
    return Reply(204, None)


# --- environments, deployments, compare ----------------------------------------------------------


@repo_route
async def list_environments(request: Request) -> Reply:
    st, api = _st(request), _api(request)
    items = [ser.environment(api, st, e) for e in st.environments.values()]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), "environments": page}, headers)


@repo_route
async def get_environment(request: Request) -> Reply:
    st = _st(request)
    env = st.environments.get(request.path_params["name"])
    return Reply(200, ser.environment(_api(request), st, env)) if env else not_found()


@repo_route
async def list_deployments(request: Request) -> Reply:
    st, q = _st(request), request.query_params
    deps = st.deployments_newest_first()
    for key in ("environment", "ref", "sha", "task"):
        if q.get(key):
            deps = [d for d in deps if getattr(d, key) == q[key]]
    page, headers = paginate(request, deps)
    api = _api(request)
    return Reply(200, [ser.deployment(api, st, d) for d in page], headers)


@repo_route
async def list_deployment_statuses(request: Request) -> Reply:
    st = _st(request)
    dep = _by_id(request, "deployment_id", st.deployments)
    if dep is None:
        return not_found()
    api = _api(request)
    items = [ser.deployment_status(api, st, dep, s) for s in reversed(dep.statuses)]
    page, headers = paginate(request, items)
    return Reply(200, page, headers)


@repo_route
async def compare(request: Request) -> Reply:
    st = _st(request)
    base_ref, sep, head_ref = request.path_params["basehead"].partition("...")
    base, head = st.commit(base_ref), st.commit(head_ref) if sep else None
    if base is None or head is None:
        return not_found()
    b, h = st.commit_index(base.sha), st.commit_index(head.sha)
    between = st.commits[b + 1 : h + 1] if h > b else []
    status = "identical" if b == h else ("ahead" if h > b else "behind")
    ahead, behind = max(h - b, 0), max(b - h, 0)
    body = ser.comparison(_api(request), st, base, head, between[-250:], status, ahead, behind, st.commits[min(b, h)])
    return Reply(200, body)


@repo_route
async def get_contents(request: Request) -> Reply:
    return await contents.get_contents(request, _st(request), _api(request))


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
        Route(R + "/deployments", endpoint(list_deployments, kind="deployments")),
        Route(R + "/deployments/{deployment_id}/statuses", endpoint(list_deployment_statuses, kind="deployments")),
        Route(R + "/compare/{basehead:path}", endpoint(compare, kind="compare")),
        Route(R + "/contents/{path:path}", endpoint(get_contents, kind="contents")),
        Route("/_blobs/job-logs/{job_id:int}", log_blob),
    ]
    anything = Route("/{path:path}", fallback, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    # github.com serves the API at the root; GitHub Enterprise Server under /api/v3.
    app = Starlette(routes=[*routes, Mount("/api/v3", routes=[*routes, anything]), anything])
    app.state.github = state
    app.state.faults = faults
    app.state.simulator = simulator
    return app
