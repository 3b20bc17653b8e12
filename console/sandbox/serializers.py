"""JSON bodies shaped like github.com's (validated against githubkit's models in the tests)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from console.sandbox.clock import iso
from console.sandbox.state import (
    WORKFLOWS,
    Commit,
    DeploymentRec,
    DeploymentStatusRec,
    EnvironmentRec,
    GitHubState,
    Job,
    Run,
)

HTML = "https://github.com"  # html_url points where github.com would put the page


def node_id(kind: str, ident: int | str) -> str:
    return base64.b64encode(f"{kind}:{ident}".encode()).decode().rstrip("=")


def user_id(login: str) -> int:
    return int(hashlib.sha256(login.encode()).hexdigest()[:7], 16)


def simple_user(api: str, login: str) -> dict:
    bot = login.endswith("[bot]")
    return {
        "login": login,
        "id": user_id(login),
        "node_id": node_id("User", login),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id(login)}?v=4",
        "gravatar_id": "",
        "url": f"{api}/users/{login}",
        "html_url": f"{HTML}/{login}" if not bot else f"{HTML}/apps/{login[:-5]}",
        "followers_url": f"{api}/users/{login}/followers",
        "following_url": f"{api}/users/{login}/following{{/other_user}}",
        "gists_url": f"{api}/users/{login}/gists{{/gist_id}}",
        "starred_url": f"{api}/users/{login}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/users/{login}/subscriptions",
        "organizations_url": f"{api}/users/{login}/orgs",
        "repos_url": f"{api}/users/{login}/repos",
        "events_url": f"{api}/users/{login}/events{{/privacy}}",
        "received_events_url": f"{api}/users/{login}/received_events",
        "type": "Bot" if bot else ("Organization" if login == "acme" else "User"),
        "user_view_type": "public",
        "site_admin": False,
    }


def private_user(api: str, login: str, created_at: datetime) -> dict:
    return simple_user(api, login) | {
        "name": "Octo Operator",
        "company": "@acme",
        "blog": "",
        "location": None,
        "email": None,
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": 3,
        "public_gists": 0,
        "followers": 12,
        "following": 4,
        "created_at": iso(created_at),
        "updated_at": iso(created_at),
        "private_gists": 0,
        "total_private_repos": 7,
        "owned_private_repos": 0,
        "disk_usage": 1024,
        "collaborators": 0,
        "two_factor_authentication": True,
    }


def team(api: str, org: str, slug: str) -> dict:
    ident = user_id("team:" + slug)
    return {
        "id": ident,
        "node_id": node_id("Team", slug),
        "name": slug.replace("-", " ").title(),
        "slug": slug,
        "description": "Approves production releases",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "push",
        "url": f"{api}/organizations/1/team/{ident}",
        "html_url": f"{HTML}/orgs/{org}/teams/{slug}",
        "members_url": f"{api}/organizations/1/team/{ident}/members{{/member}}",
        "repositories_url": f"{api}/organizations/1/team/{ident}/repos",
        "type": "organization",
        "parent": None,
    }


_REPO_URL_KEYS = {
    "archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}", "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}", "contributors_url": "/contributors",
    "deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events",
    "forks_url": "/forks", "git_commits_url": "/git/commits{/sha}", "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}", "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}", "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}", "languages_url": "/languages",
    "merges_url": "/merges", "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}", "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}", "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers", "subscription_url": "/subscription", "tags_url": "/tags",
    "teams_url": "/teams", "trees_url": "/git/trees{/sha}", "hooks_url": "/hooks",
}


def minimal_repository(api: str, st: GitHubState) -> dict:
    base = f"{api}/repos/{st.full_name}"
    body = {
        "id": 424242,
        "node_id": node_id("Repository", 424242),
        "name": st.repo,
        "full_name": st.full_name,
        "owner": simple_user(api, st.owner),
        "private": True,
        "html_url": f"{HTML}/{st.full_name}",
        "description": "Sandbox repository for ghaecr-console",
        "fork": False,
        "url": base,
    }
    body.update({key: base + suffix for key, suffix in _REPO_URL_KEYS.items()})
    return body


def full_repository(api: str, st: GitHubState) -> dict:
    created = iso(st.created_at)
    return minimal_repository(api, st) | {
        "git_url": f"git://github.com/{st.full_name}.git",
        "ssh_url": f"git@github.com:{st.full_name}.git",
        "clone_url": f"{HTML}/{st.full_name}.git",
        "svn_url": f"{HTML}/{st.full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": "Python",
        "forks_count": 0,
        "stargazers_count": 3,
        "watchers_count": 3,
        "size": 2048,
        "default_branch": st.default_branch,
        "open_issues_count": 2,
        "is_template": False,
        "topics": [],
        "has_issues": True,
        "has_projects": False,
        "has_wiki": False,
        "has_pages": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "visibility": "private",
        "pushed_at": iso(st.commits[-1].date if st.commits else st.created_at),
        "created_at": created,
        "updated_at": created,
        "permissions": {"admin": False, "maintain": False, "push": True, "triage": True, "pull": True},
        "allow_forking": False,
        "subscribers_count": 3,
        "network_count": 0,
        "license": None,
        "forks": 0,
        "open_issues": 2,
        "watchers": 3,
    }


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
                      "prevent_self_review": False, "type": "required_reviewers", "reviewers": reviewers})
    if env.wait_timer:
        rules.append({"id": env.id * 10 + 2, "node_id": node_id("Gate", env.id * 10 + 2),
                      "type": "wait_timer", "wait_timer": env.wait_timer})
    if env.protected_branches:
        rules.append({"id": env.id * 10 + 3, "node_id": node_id("Gate", env.id * 10 + 3), "type": "branch_policy"})
    return rules


def environment(api: str, st: GitHubState, env: EnvironmentRec) -> dict:
    return {
        "id": env.id,
        "node_id": node_id("Environment", env.id),
        "name": env.name,
        "url": f"{api}/repos/{st.full_name}/environments/{env.name}",
        "html_url": f"{HTML}/{st.full_name}/deployments/activity_log?environments_filter={env.name}",
        "created_at": iso(env.created_at),
        "updated_at": iso(env.created_at),
        "can_admins_bypass": True,
        "protection_rules": _protection_rules(api, st, env),
        "deployment_branch_policy": (
            {"protected_branches": True, "custom_branch_policies": False} if env.protected_branches else None
        ),
    }


def pending_deployment(api: str, st: GitHubState, run: Run, env: EnvironmentRec) -> dict:
    reviewers = [{"type": "User", "reviewer": simple_user(api, u)} for u in env.reviewers]
    reviewers += [{"type": "Team", "reviewer": team(api, st.owner, t)} for t in env.reviewer_teams]
    return {
        "environment": {
            "id": env.id,
            "node_id": node_id("Environment", env.id),
            "name": env.name,
            "url": f"{api}/repos/{st.full_name}/environments/{env.name}",
            "html_url": f"{HTML}/{st.full_name}/deployments/activity_log?environments_filter={env.name}",
        },
        "wait_timer": env.wait_timer,
        "wait_timer_started_at": iso(run.wait_started_at),
        "current_user_can_approve": st.user in env.reviewers,
        "reviewers": reviewers,
    }


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
        "environment_url": "",
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


def comparison(api: str, st: GitHubState, base: Commit, head: Commit, between: list[Commit],
               status: str, ahead: int, behind: int, merge_base: Commit) -> dict:
    spec = f"{base.sha[:12]}...{head.sha[:12]}"
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
        "commits": [commit(api, st, c) for c in between],
        "files": [],
    }

