"""JSON bodies shaped like github.com's (validated against githubkit's models in the tests)."""

from __future__ import annotations

import hashlib

from console.sandbox.clock import iso
from console.sandbox.repository_json import (  # noqa: F401 - re-exported for the routes
    HTML,
    full_repository,
    minimal_repository,
    node_id,
    private_user,
    simple_user,
    team,
)
from console.sandbox.state import (
    WORKFLOWS,
    Commit,
    CommitStatusRec,
    DeploymentRec,
    DeploymentStatusRec,
    EnvironmentRec,
    GitHubState,
    Job,
    ReviewRec,
    Run,
)


def workflow(api: str, st: GitHubState, file: str) -> dict:
    ident, name = WORKFLOWS[file]
    return {
        "id": ident,
        "node_id": node_id("Workflow", ident),
        "name": name,
        "path": f".github/workflows/{file}",
        "state": "active",
        "created_at": iso(st.created_at),
        "updated_at": iso(st.created_at),
        "url": f"{api}/repos/{st.full_name}/actions/workflows/{ident}",
        "html_url": f"{HTML}/{st.full_name}/blob/main/.github/workflows/{file}",
        "badge_url": f"{HTML}/{st.full_name}/workflows/{name}/badge.svg",
    }


def simple_commit(c: Commit) -> dict:
    author = {"name": c.author, "email": f"{c.author}@users.noreply.github.com"}
    return {"id": c.sha, "tree_id": hashlib.sha1(c.sha.encode()).hexdigest(), "message": c.message,
            "timestamp": iso(c.date), "author": author, "committer": author}


def workflow_run(api: str, st: GitHubState, run: Run) -> dict:
    base = f"{api}/repos/{st.full_name}/actions/runs/{run.id}"
    ident, name = WORKFLOWS[run.workflow]
    commit = st.commit(run.head_sha)
    repo = minimal_repository(api, st)
    return {
        "id": run.id,
        "name": name,
        "node_id": node_id("WorkflowRun", run.id),
        "check_suite_id": run.id * 3,
        "check_suite_node_id": node_id("CheckSuite", run.id * 3),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": f".github/workflows/{run.workflow}",
        "run_number": run.run_number,
        "run_attempt": run.run_attempt,
        "referenced_workflows": [],
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": ident,
        "url": base,
        "html_url": f"{HTML}/{st.full_name}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "actor": simple_user(api, run.actor),
        "triggering_actor": simple_user(api, run.actor),
        "run_started_at": iso(run.run_started_at or run.created_at),
        "jobs_url": f"{base}/jobs",
        "logs_url": f"{base}/logs",
        "check_suite_url": f"{api}/repos/{st.full_name}/check-suites/{run.id * 3}",
        "artifacts_url": f"{base}/artifacts",
        "cancel_url": f"{base}/cancel",
        "rerun_url": f"{base}/rerun",
        "previous_attempt_url": None,
        "workflow_url": f"{api}/repos/{st.full_name}/actions/workflows/{ident}",
        "head_commit": simple_commit(commit) if commit else None,
        "repository": repo,
        "head_repository": repo,
        "display_title": run.display_title,
    }


def job(api: str, st: GitHubState, run: Run, j: Job) -> dict:
    return {
        "id": j.id,
        "run_id": run.id,
        "workflow_name": WORKFLOWS[run.workflow][1],
        "head_branch": run.head_branch,
        "run_url": f"{api}/repos/{st.full_name}/actions/runs/{run.id}",
        "run_attempt": run.run_attempt,
        "node_id": node_id("CheckRun", j.id),
        "head_sha": run.head_sha,
        "url": f"{api}/repos/{st.full_name}/actions/jobs/{j.id}",
        "html_url": f"{HTML}/{st.full_name}/actions/runs/{run.id}/job/{j.id}",
        "status": j.status,
        "conclusion": j.conclusion,
        "created_at": iso(j.created_at or run.created_at),
        "started_at": iso(j.started_at or j.created_at or run.created_at),
        "completed_at": iso(j.completed_at),
        "name": j.name,
        "steps": [
            {"name": s.name, "status": s.status, "conclusion": s.conclusion, "number": s.number,
             "started_at": iso(s.started_at), "completed_at": iso(s.completed_at)}
            for s in j.steps
        ],
        "check_run_url": f"{api}/repos/{st.full_name}/check-runs/{j.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 7 if j.runner_name else None,
        "runner_name": j.runner_name,
        "runner_group_id": 1 if j.runner_name else None,
        "runner_group_name": "GitHub Actions" if j.runner_name else None,
    }


def _protection_rules(api: str, st: GitHubState, env: EnvironmentRec) -> list[dict]:
    rules: list[dict] = []
    if env.reviewers or env.reviewer_teams:
        reviewers = [{"type": "User", "reviewer": simple_user(api, u)} for u in env.reviewers]
        reviewers += [{"type": "Team", "reviewer": team(api, st.owner, t)} for t in env.reviewer_teams]
        rules.append({"id": env.id * 10 + 1, "node_id": node_id("Gate", env.id * 10 + 1),
                      "prevent_self_review": env.prevent_self_review, "type": "required_reviewers", "reviewers": reviewers})
    if env.wait_timer:
        rules.append({"id": env.id * 10 + 2, "node_id": node_id("Gate", env.id * 10 + 2),
                      "type": "wait_timer", "wait_timer": env.wait_timer})
    if env.protected_branches or env.custom_branch_policies:
        rules.append({"id": env.id * 10 + 3, "node_id": node_id("Gate", env.id * 10 + 3), "type": "branch_policy"})
    return rules


def environment(api: str, st: GitHubState, env: EnvironmentRec) -> dict:
    return {
        **_environment_ref(api, st, env),
        "created_at": iso(env.created_at),
        "updated_at": iso(env.created_at),
        "can_admins_bypass": True,
        "protection_rules": _protection_rules(api, st, env),
        "deployment_branch_policy": (
            {"protected_branches": env.protected_branches, "custom_branch_policies": env.custom_branch_policies}
            if env.protected_branches or env.custom_branch_policies else None
        ),
    }


def pending_deployment(api: str, st: GitHubState, run: Run, env: EnvironmentRec) -> dict:
    reviewers = [{"type": "User", "reviewer": simple_user(api, u)} for u in env.reviewers]
    reviewers += [{"type": "Team", "reviewer": team(api, st.owner, t)} for t in env.reviewer_teams]
    return {
        "environment": _environment_ref(api, st, env),
        "wait_timer": env.wait_timer,
        "wait_timer_started_at": iso(run.wait_started_at),
        "current_user_can_approve": st.can_review(run, env),
        "reviewers": reviewers,
    }


def _environment_ref(api: str, st: GitHubState, env: EnvironmentRec) -> dict:
    return {
        "id": env.id,
        "node_id": node_id("Environment", env.id),
        "name": env.name,
        "url": f"{api}/repos/{st.full_name}/environments/{env.name}",
        "html_url": f"{HTML}/{st.full_name}/deployments/activity_log?environments_filter={env.name}",
    }


def run_review(api: str, st: GitHubState, review: ReviewRec) -> dict:
    """One entry of ``GET /actions/runs/{id}/approvals`` (the run's review history)."""
    envs = [st.environments[name] for name in review.environments if name in st.environments]
    return {"environments": [_environment_ref(api, st, e) for e in envs], "state": review.state,
            "comment": review.comment, "user": simple_user(api, review.user)}


def deployment(api: str, st: GitHubState, d: DeploymentRec) -> dict:
    url = f"{api}/repos/{st.full_name}/deployments/{d.id}"
    updated = d.statuses[-1].created_at if d.statuses else d.created_at
    return {
        "url": url,
        "id": d.id,
        "node_id": node_id("Deployment", d.id),
        "sha": d.sha,
        "ref": d.ref,
        "task": d.task,
        "payload": d.payload,
        "original_environment": d.environment,
        "environment": d.environment,
        "description": d.description,
        "creator": simple_user(api, d.creator),
        "created_at": iso(d.created_at),
        "updated_at": iso(updated),
        "statuses_url": f"{url}/statuses",
        "repository_url": f"{api}/repos/{st.full_name}",
        "transient_environment": False,
        "production_environment": d.environment == "production",
    }


def deployment_status(api: str, st: GitHubState, d: DeploymentRec, s: DeploymentStatusRec) -> dict:
    url = f"{api}/repos/{st.full_name}/deployments/{d.id}"
    return {
        "url": f"{url}/statuses/{s.id}",
        "id": s.id,
        "node_id": node_id("DeploymentStatus", s.id),
        "state": s.state,
        "creator": simple_user(api, s.creator),
        "description": s.description[:140],
        "environment": d.environment,
        "target_url": s.log_url,
        "log_url": s.log_url,
        "environment_url": s.environment_url,
        "created_at": iso(s.created_at),
        "updated_at": iso(s.created_at),
        "deployment_url": url,
        "repository_url": f"{api}/repos/{st.full_name}",
    }


def commit(api: str, st: GitHubState, c: Commit) -> dict:
    url = f"{api}/repos/{st.full_name}/commits/{c.sha}"
    person = {"name": c.author, "email": f"{c.author}@users.noreply.github.com", "date": iso(c.date)}
    tree = hashlib.sha1(c.sha.encode()).hexdigest()
    return {
        "url": url,
        "sha": c.sha,
        "node_id": node_id("Commit", c.sha),
        "html_url": f"{HTML}/{st.full_name}/commit/{c.sha}",
        "comments_url": f"{url}/comments",
        "commit": {
            "url": f"{api}/repos/{st.full_name}/git/commits/{c.sha}",
            "author": person,
            "committer": person,
            "message": c.message,
            "comment_count": 0,
            "tree": {"sha": tree, "url": f"{api}/repos/{st.full_name}/git/trees/{tree}"},
        },
        "author": simple_user(api, c.author),
        "committer": simple_user(api, c.author),
        "parents": [{"sha": c.parent, "url": f"{api}/repos/{st.full_name}/commits/{c.parent}",
                     "html_url": f"{HTML}/{st.full_name}/commit/{c.parent}"}] if c.parent else [],
    }


def comparison(api: str, st: GitHubState, base_ref: str, head_ref: str, base: Commit, head: Commit,
               between: list[Commit], status: str, ahead: int, behind: int, merge_base: Commit) -> dict:
    spec = f"{base_ref}...{head_ref}"  # GitHub's links name the refs as they were asked for
    return {
        "url": f"{api}/repos/{st.full_name}/compare/{spec}",
        "html_url": f"{HTML}/{st.full_name}/compare/{spec}",
        "permalink_url": f"{HTML}/{st.full_name}/compare/{st.owner}:{spec}",
        "diff_url": f"{HTML}/{st.full_name}/compare/{spec}.diff",
        "patch_url": f"{HTML}/{st.full_name}/compare/{spec}.patch",
        "base_commit": commit(api, st, base),
        "merge_base_commit": commit(api, st, merge_base),
        "status": status,
        "ahead_by": ahead,
        "behind_by": behind,
        "total_commits": len(between),
        "commits": [commit(api, st, c) for c in between[:250]],  # GitHub lists the oldest 250 (no paging asked)
        "files": [],
    }



def protection_rules(api: str, st: GitHubState, env: EnvironmentRec) -> dict:
    """``GET /environments/{name}/deployment_protection_rules``: the custom rules (GitHub Apps) enabled."""
    rules = []
    for i, slug in enumerate(env.protection_apps):
        app_id = 900_000 + sum(map(ord, slug))
        rules.append({"id": env.id * 10 + 5 + i, "node_id": node_id("DeploymentProtectionRule", env.id * 10 + 5 + i),
                      "enabled": True, "app": {"id": app_id, "node_id": node_id("Integration", app_id), "slug": slug,
                                               "integration_url": f"{api}/apps/{slug}"}})
    return {"total_count": len(rules), "custom_deployment_protection_rules": rules}


def commit_status(api: str, st: GitHubState, s: CommitStatusRec) -> dict:
    return {"url": f"{api}/repos/{st.full_name}/statuses/{s.id}", "avatar_url": None, "id": s.id,
            "node_id": node_id("StatusContext", s.id), "state": s.state, "description": s.description,
            "target_url": s.target_url or None, "context": s.context, "created_at": iso(s.created_at),
            "updated_at": iso(s.created_at), "creator": simple_user(api, s.creator)}


def combined_status(api: str, st: GitHubState, sha: str, statuses: list[CommitStatusRec]) -> dict:
    """``GET /commits/{ref}/status``: the newest status per context, and their combined state."""
    newest: dict[str, CommitStatusRec] = {}
    for s in statuses:  # oldest first: a later one replaces its context
        newest[s.context] = s
    states = {s.state for s in newest.values()}
    state = "failure" if states & {"failure", "error"} else ("pending" if "pending" in states or not states else "success")
    items = []
    for s in newest.values():
        item = commit_status(api, st, s)
        del item["creator"]
        items.append(item)
    return {"state": state, "statuses": items, "sha": sha, "total_count": len(items),
            "repository": minimal_repository(api, st), "commit_url": f"{api}/repos/{st.full_name}/commits/{sha}",
            "url": f"{api}/repos/{st.full_name}/commits/{sha}/status"}
