"""The stand-in's routes behind the approve preview's release context: a commit's statuses (CD staging
writes ``staging/<target>``), an environment's custom deployment protection rules (GitHub Apps), and
the app's own review of a run it holds (``POST …/deployment_protection_rule``)."""

from __future__ import annotations

from starlette.requests import Request

from console.sandbox import serializers as ser
from console.sandbox.github_routes import api_url, gh_state, json_body, repo_route, run_route, simulator_of
from console.sandbox.http_features import Reply, error, not_found, paginate
from console.sandbox.state import CommitStatusRec, Run


def _commit_statuses(request: Request) -> tuple[str, list[CommitStatusRec]] | Reply:
    """(sha, its statuses oldest first) of the commit the path names, or GitHub's 422 for an unknown ref."""
    st = gh_state(request)
    commit = st.commit(request.path_params["ref"])
    if commit is None:
        return error(422, f"No commit found for SHA: {request.path_params['ref']}")
    return commit.sha, st.commit_statuses.get(commit.sha, [])


@repo_route
async def combined_status(request: Request) -> Reply:
    found = _commit_statuses(request)
    if isinstance(found, Reply):
        return found
    return Reply(200, ser.combined_status(api_url(request), gh_state(request), *found))


@repo_route
async def list_statuses(request: Request) -> Reply:
    found = _commit_statuses(request)
    if isinstance(found, Reply):
        return found
    api, st = api_url(request), gh_state(request)
    page, headers = paginate(request, [ser.commit_status(api, st, s) for s in reversed(found[1])])
    return Reply(200, page, headers)


@repo_route
async def protection_rules(request: Request) -> Reply:
    st = gh_state(request)
    env = st.environments.get(request.path_params["name"])
    return Reply(200, ser.protection_rules(api_url(request), st, env)) if env else not_found()


@repo_route(locked=False)
@run_route
async def app_review(request: Request, run: Run) -> Reply:
    """The app of a custom deployment protection rule approves or rejects the environment it holds."""
    st = gh_state(request)
    body = await json_body(request)
    if body is None:
        return error(400, "Problems parsing JSON")
    name, state = body.get("environment_name"), body.get("state")
    env = st.environments.get(name) if isinstance(name, str) else None
    if env is None or state not in ("approved", "rejected") or name not in run.pending or not env.protection_apps:
        return error(422, "Invalid request.\n\nNo pending custom deployment protection rule for this environment.")
    simulator_of(request).review(run, [env.name], state == "approved", str(body.get("comment") or ""))
    return Reply(204, None)
