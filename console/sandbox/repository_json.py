"""JSON for people and the repository, shaped like github.com's (users, teams, repositories)."""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from console.sandbox.clock import iso
from console.sandbox.state import GitHubState

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


def private_user(api: str, login: str, created_at: datetime | None) -> dict:
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
        "private": False,
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
        "visibility": "public",
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
