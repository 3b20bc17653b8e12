"""Every GitHub stand-in response parses through githubkit's models (what the services rely on)."""

from __future__ import annotations

import warnings

import httpx
from githubkit.utils import type_validate_python

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from githubkit_schemas.latest import models as m


def _get(gh, path, **params):
    response = gh.get(path, params=params)
    assert response.status_code == 200, (path, response.status_code, response.text[:200])
    return response.json()


def _all_pages(gh, path, key):
    items, url = [], path + "?per_page=100"
    while url:
        response = gh.get(url)
        assert response.status_code == 200
        yield response.json()
        url = response.links.get("next", {}).get("url")
    return items


def test_user_rate_limit_repository_and_workflows(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    assert type_validate_python(m.PrivateUser, _get(gh, "/user")).login == "octo-operator"
    assert type_validate_python(m.RateLimitOverview, _get(gh, "/rate_limit")).resources.core.limit == 5000
    assert type_validate_python(m.FullRepository, _get(gh, repo)).full_name == sandbox.repo
    workflows = type_validate_python(m.ReposOwnerRepoActionsWorkflowsGetResponse200, _get(gh, f"{repo}/actions/workflows"))
    assert {w.path for w in workflows.workflows} >= {".github/workflows/ci.yml", ".github/workflows/cd.yml"}


def test_every_seeded_run_and_its_jobs(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    runs = []
    for page in _all_pages(gh, f"{repo}/actions/runs", "workflow_runs"):
        runs += type_validate_python(m.ReposOwnerRepoActionsRunsGetResponse200, page).workflow_runs
    assert len(runs) == len(sandbox.state.runs)
    assert {r.conclusion for r in runs} >= {"success", "failure", None}
    for workflow in ("ci.yml", "cd.yml", "security.yml"):
        body = _get(gh, f"{repo}/actions/workflows/{workflow}/runs", per_page=5)
        type_validate_python(m.ReposOwnerRepoActionsWorkflowsWorkflowIdRunsGetResponse200, body)
    for run in runs:
        assert type_validate_python(m.WorkflowRun, _get(gh, f"{repo}/actions/runs/{run.id}")).id == run.id
        jobs = type_validate_python(m.ReposOwnerRepoActionsRunsRunIdJobsGetResponse200, _get(gh, f"{repo}/actions/runs/{run.id}/jobs"))
        assert jobs.jobs, run.id


def test_live_runs_validate_while_they_progress(sandbox_factory):
    sb = sandbox_factory(speed=60)  # slow enough to catch queued and in-progress states
    seen = set()
    with httpx.Client(base_url=sb.github_url, headers={"Authorization": f"Bearer {sb.token}"}) as gh:
        sha = sb.push_main("Validate me while running")
        for _ in range(200):
            page = gh.get(f"/repos/{sb.repo}/actions/runs", params={"head_sha": sha}).json()
            for run in type_validate_python(m.ReposOwnerRepoActionsRunsGetResponse200, page).workflow_runs:
                jobs = gh.get(f"/repos/{sb.repo}/actions/runs/{run.id}/jobs").json()
                for job in type_validate_python(m.ReposOwnerRepoActionsRunsRunIdJobsGetResponse200, jobs).jobs:
                    seen.add(job.status)
                    seen.update(s.status for s in job.steps or [])
            if "in_progress" in seen and "queued" in seen:
                break
    assert {"in_progress", "queued"} <= seen


def test_approvals_environments_deployments_compare(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    run_id = sandbox.pending_run_id
    pending = type_validate_python(list[m.PendingDeployment], _get(gh, f"{repo}/actions/runs/{run_id}/pending_deployments"))
    assert pending[0].current_user_can_approve and pending[0].environment.name == "production"
    envs = type_validate_python(m.ReposOwnerRepoEnvironmentsGetResponse200, _get(gh, f"{repo}/environments"))
    assert {e.name for e in envs.environments} == {"staging", "production", "cleanup"}  # those cd.yml names
    type_validate_python(m.Environment, _get(gh, f"{repo}/environments/production"))
    deployments = type_validate_python(list[m.Deployment], _get(gh, f"{repo}/deployments", per_page=100))
    assert {d.environment for d in deployments} == {"staging", "production"}
    for deployment in deployments[:10]:
        statuses = _get(gh, f"{repo}/deployments/{deployment.id}/statuses")
        assert type_validate_python(list[m.DeploymentStatus], statuses)
    comparison = type_validate_python(m.CommitComparison, _get(gh, f"{repo}/compare/v1.4.0...v1.5.0"))
    assert comparison.status == "ahead" and comparison.total_commits == len(comparison.commits) > 0
    approved = gh.post(f"{repo}/actions/runs/{run_id}/pending_deployments",
                       json={"environment_ids": [pending[0].environment.id], "state": "approved", "comment": "ship"})
    assert approved.status_code == 200
    assert type_validate_python(list[m.Deployment], approved.json())[0].environment == "production"
    (review,) = type_validate_python(list[m.EnvironmentApprovals], _get(gh, f"{repo}/actions/runs/{run_id}/approvals"))
    assert (review.state, review.comment, review.user.login) == ("approved", "ship", sandbox.user)


def test_release_context_endpoints_and_protection_settings(sandbox, gh):
    """The commit statuses CD staging wrote, the environment's prevent_self_review and custom rules
    (as a test configures them), and the pending deployment GitHub then reports."""
    repo, run = f"/repos/{sandbox.repo}", sandbox.run(sandbox.pending_run_id)
    combined = type_validate_python(m.CombinedCommitStatus, _get(gh, f"{repo}/commits/{run.head_sha}/status"))
    assert combined.state == "success"
    assert {s.context for s in combined.statuses} == {f"staging/{t}" for t in sandbox.targets}
    assert all(s.description.startswith("smoke-tested sha256:") for s in combined.statuses)
    assert type_validate_python(list[m.Status], _get(gh, f"{repo}/commits/{run.head_sha}/statuses"))
    assert type_validate_python(m.CombinedCommitStatus, _get(gh, f"{repo}/commits/v1.5.0/status")).sha == run.head_sha
    rules_path = f"{repo}/environments/production/deployment_protection_rules"
    empty = m.ReposOwnerRepoEnvironmentsEnvironmentNameDeploymentProtectionRulesGetResponse200
    assert type_validate_python(empty, _get(gh, rules_path)).total_count == 0

    sandbox.protect(prevent_self_review=True, apps=["release-guard"])
    environment = type_validate_python(m.Environment, _get(gh, f"{repo}/environments/production"))
    reviewers_rule = next(r for r in environment.protection_rules if r.type == "required_reviewers")
    assert reviewers_rule.prevent_self_review is True
    rules = type_validate_python(empty, _get(gh, rules_path))
    assert [r.app.slug for r in rules.custom_deployment_protection_rules] == ["release-guard"]
    (pending,) = type_validate_python(list[m.PendingDeployment], _get(gh, f"{repo}/actions/runs/{run.id}/pending_deployments"))
    assert pending.current_user_can_approve is False  # octo-operator tagged v1.5.0: no self-review
    refused = gh.post(f"{repo}/actions/runs/{run.id}/pending_deployments",
                      json={"environment_ids": [pending.environment.id], "state": "approved", "comment": "mine"})
    assert refused.status_code == 422 and "Self-review" in refused.json()["message"]
    # The app decides alone (GitHub's "review custom deployment protection rules" API).
    released = gh.post(f"{repo}/actions/runs/{run.id}/deployment_protection_rule",
                       json={"environment_name": "production", "state": "approved", "comment": "checks passed"})
    assert released.status_code == 204
    assert _get(gh, f"{repo}/actions/runs/{run.id}/pending_deployments") == []


def test_dispatch_details_and_error_bodies(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    response = gh.post(f"{repo}/actions/workflows/cd.yml/dispatches",
                       json={"ref": "main", "inputs": {"operation": "rollback", "targets": "all"}, "return_run_details": True})
    assert response.status_code == 200
    details = type_validate_python(m.WorkflowDispatchResponse, response.json())
    assert type_validate_python(m.WorkflowRun, _get(gh, f"{repo}/actions/runs/{details.workflow_run_id}")).event == "workflow_dispatch"
    for status, response in (
        (404, gh.get("/repos/acme/nope")),
        (422, gh.post(f"{repo}/actions/workflows/cd.yml/dispatches", json={"ref": "nope", "inputs": {"operation": "prune"}})),
        (401, httpx.get(f"{sandbox.github_url}/user", headers={"Authorization": "Bearer wrong"})),
    ):
        assert response.status_code == status
        assert type_validate_python(m.BasicError, response.json()).message


def test_everything_still_validates_after_live_flows(sandbox, gh):
    """Runs, jobs (skipped, failed, waiting), deployments and statuses made by the simulator."""
    from tests.sandbox.helpers import dispatch, review

    repo = f"/repos/{sandbox.repo}"
    sandbox.push_main("Break it", ci_fails=True)
    review(gh, sandbox, sandbox.pending_run_id, "approved")
    dispatch(gh, sandbox, operation="rollback", targets="minimal", request_id="gc-m")
    dispatch(gh, sandbox, operation="prune", digests="sha256:" + "1" * 64, request_id="gc-n")
    sandbox.push_main("Fix it")  # a tag on the broken commit would fail its preflight, never wait
    sandbox.wait_idle()
    waiting = sandbox.push_tag("v1.6.0")
    sandbox.wait_run(waiting, "waiting")
    for page in _all_pages(gh, f"{repo}/actions/runs", "workflow_runs"):
        for run in type_validate_python(m.ReposOwnerRepoActionsRunsGetResponse200, page).workflow_runs[:12]:
            type_validate_python(m.ReposOwnerRepoActionsRunsRunIdJobsGetResponse200, _get(gh, f"{repo}/actions/runs/{run.id}/jobs"))
        break  # the newest page holds every live run
    type_validate_python(list[m.PendingDeployment], _get(gh, f"{repo}/actions/runs/{waiting}/pending_deployments"))
    for deployment in type_validate_python(list[m.Deployment], _get(gh, f"{repo}/deployments", per_page=12)):
        type_validate_python(list[m.DeploymentStatus], _get(gh, f"{repo}/deployments/{deployment.id}/statuses"))


def test_githubkit_client_reads_the_stand_in(sandbox):
    """The services' client library, end to end: parsed models, pagination, the log redirect."""
    from githubkit import GitHub

    owner, name = sandbox.repo.split("/")
    github = GitHub(sandbox.token, base_url=sandbox.github_url)
    runs = list(github.rest.paginate(github.rest.actions.list_workflow_runs_for_repo, owner=owner, repo=name,
                                     per_page=50, map_func=lambda r: r.parsed_data.workflow_runs))
    assert len(runs) == len(sandbox.state.runs)
    pending = github.rest.actions.get_pending_deployments_for_run(owner, name, sandbox.pending_run_id).parsed_data
    assert pending[0].environment.name == "production"
    assert github.rest.repos.compare_commits(owner, name, "v1.4.0...v1.5.0").parsed_data.total_commits > 0
    completed = next(r for r in runs if r.status == "completed")
    job = github.rest.actions.list_jobs_for_workflow_run(owner, name, completed.id).parsed_data.jobs[0]
    log = github.rest.actions.download_job_logs_for_workflow_run(owner, name, job.id)
    assert "##[group]" in log.text


def test_contents_of_the_bundled_workflows(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    body = _get(gh, f"{repo}/contents/.github/workflows/cd.yml", ref="main")
    assert type_validate_python(m.ContentFile, body).path == ".github/workflows/cd.yml"


def test_rerun_answers_and_the_new_attempt_validate(sandbox, gh):
    """Re-run: 201 with an empty object, then the same run id on attempt 2 (a valid WorkflowRun);
    403 for a run still going, like GitHub; a finished run cannot be cancelled (409)."""
    repo = f"/repos/{sandbox.repo}"
    run = next(r for r in sandbox.runs_for(sandbox.push_main("Fail then pass", ci_fails=True)) if r.workflow == "ci.yml")
    assert gh.post(f"{repo}/actions/runs/{run.id}/rerun").status_code == 403  # still running
    sandbox.wait_run(run.id)
    assert gh.post(f"{repo}/actions/runs/{run.id}/cancel").status_code == 409
    response = gh.post(f"{repo}/actions/runs/{run.id}/rerun-failed-jobs")
    assert response.status_code == 201
    type_validate_python(m.EmptyObject, response.json())
    sandbox.wait_run(run.id)
    body = type_validate_python(m.WorkflowRun, _get(gh, f"{repo}/actions/runs/{run.id}"))
    assert (body.id, body.run_attempt, body.conclusion) == (run.id, 2, "success")
    jobs = type_validate_python(m.ReposOwnerRepoActionsRunsRunIdJobsGetResponse200, _get(gh, f"{repo}/actions/runs/{run.id}/jobs"))
    assert {j.run_attempt for j in jobs.jobs} == {2} and all(j.conclusion == "success" for j in jobs.jobs)


def test_actions_variables_and_secrets(sandbox, gh):
    repo = f"/repos/{sandbox.repo}"
    listed = {
        f"{repo}/actions/variables": m.ReposOwnerRepoActionsVariablesGetResponse200,
        f"{repo}/actions/organization-variables": m.ReposOwnerRepoActionsOrganizationVariablesGetResponse200,
        f"{repo}/environments/production/variables": m.ReposOwnerRepoEnvironmentsEnvironmentNameVariablesGetResponse200,
        f"{repo}/actions/secrets": m.ReposOwnerRepoActionsSecretsGetResponse200,
        f"{repo}/actions/organization-secrets": m.ReposOwnerRepoActionsOrganizationSecretsGetResponse200,
        f"{repo}/environments/production/secrets": m.ReposOwnerRepoEnvironmentsEnvironmentNameSecretsGetResponse200,
    }
    bodies = {path: type_validate_python(model, _get(gh, path)) for path, model in listed.items()}
    assert {v.name for v in bodies[f"{repo}/actions/variables"].variables} >= {"ECR_REPOSITORY", "AWS_REGION", "AWS_READ_ROLE_ARN"}
    assert [v.name for v in bodies[f"{repo}/environments/production/variables"].variables] == ["AWS_ROLE_ARN"]
    assert "value" not in _get(gh, f"{repo}/actions/secrets")["secrets"][0]  # GitHub never returns a secret's value
    assert gh.get(f"{repo}/environments/nowhere/variables").status_code == 404
