"""The GitHub stand-in's write routes: pending deployments and their review (with the run's review
history), cancel, re-run, and workflow_dispatch. Writes hop to the simulator's loop."""

from __future__ import annotations

from starlette.requests import Request

from console.sandbox import serializers as ser
from console.sandbox.dispatch_rules import DISPATCH_INPUTS, check_api_inputs
from console.sandbox.faults import Faults
from console.sandbox.github_routes import (
    api_url,
    gh_state,
    json_body,
    repo_route,
    run_route,
    simulator_of,
    workflow_file,
)
from console.sandbox.http_features import Reply, error, not_found
from console.sandbox.state import ReviewRec, Run

# --- approvals -----------------------------------------------------------------------------------


@repo_route
@run_route
async def get_pending(request: Request, run: Run) -> Reply:
    st, api = gh_state(request), api_url(request)
    items = [ser.pending_deployment(api, st, run, st.environments[e]) for e in run.pending]
    return Reply(200, items)


@repo_route(locked=False)
@run_route
async def review_pending(request: Request, run: Run) -> Reply:
    st = gh_state(request)
    body = await json_body(request)
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
    if any(not st.can_review(run, st.environments[name]) for name in pending):
        return error(422, "Self-review is not allowed for this environment: the user who triggered the run cannot approve it")
    sim = simulator_of(request)
    created = sim.review(run, pending, state == "approved", comment)
    with st.lock:
        run.reviews.append(ReviewRec(state, st.user, comment, tuple(pending)))
    api = api_url(request)
    return Reply(200, [ser.deployment(api, st, d) for d in created], counted=True)


@repo_route
@run_route
async def get_reviews(request: Request, run: Run) -> Reply:
    st, api = gh_state(request), api_url(request)
    return Reply(200, [ser.run_review(api, st, r) for r in run.reviews])


@repo_route(locked=False)
@run_route
async def cancel_run(request: Request, run: Run) -> Reply:
    if run.status == "completed":
        return error(409, "Cannot cancel a workflow run that is completed.")
    sim = simulator_of(request)
    sim.cancel(run)
    return Reply(202, {})


async def _rerun(request: Request, run: Run, failed_only: bool) -> Reply:
    """A new attempt of a completed run (201 with an empty object, like GitHub); 403 while it runs."""
    if run.status != "completed":
        return error(403, f"This workflow run is not completed: run {run.id} cannot be re-run until it ends.")
    if failed_only and not any(j.conclusion in ("failure", "cancelled", "timed_out") for j in run.jobs):
        return error(403, f"This workflow run has no failed jobs to re-run (run {run.id} ended {run.conclusion}).")
    sim = simulator_of(request)
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
    st = gh_state(request)
    file = workflow_file(st, request.path_params["workflow_id"])
    if file is None:
        return not_found()
    if file not in DISPATCH_INPUTS:
        return error(422, "Workflow does not have 'workflow_dispatch' trigger")
    body = await json_body(request)
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
    sim = simulator_of(request)
    run = sim.dispatch(file, ref.removeprefix("refs/heads/").removeprefix("refs/tags/"), inputs)
    faults.note_dispatch(run.id)
    if details:
        api = api_url(request)
        return Reply(200, {"workflow_run_id": run.id,
                           "run_url": f"{api}/repos/{st.full_name}/actions/runs/{run.id}",
                           "html_url": f"{ser.HTML}/{st.full_name}/actions/runs/{run.id}"})
    return Reply(204, None)
