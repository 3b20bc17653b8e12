"""Lenient parsing (github.com vs GHES shapes), error sentences, and the GHES base URL."""

from __future__ import annotations

import httpx
from githubkit.exception import RequestFailed
from githubkit.response import Response

from console.errors import PermissionDenied
from console.services import github_parse as gp
from console.services.github import GitHubService
from console.services.github_errors import map_github_error

RUN = {
    "id": 7, "name": "CD", "path": ".github/workflows/cd.yml@refs/heads/main", "run_number": 3, "event": "push",
    "status": "completed", "conclusion": "success", "head_branch": "v1.0.0", "head_sha": "a" * 40,
    "actor": {"login": "alice"}, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:05:00Z",
    "html_url": "https://ghe.example/acme/shop/actions/runs/7",
}


def test_ghes_run_without_optional_fields_and_with_extra_ones():
    ghes = dict(RUN.items()) | {"some_new_field": {"x": 1}}  # extra field
    for optional in ("display_title", "triggering_actor", "run_started_at"):
        ghes.pop(optional, None)
    run = gp.parse_run(ghes)
    assert (run.workflow, run.display_title, run.actor, run.run_started_at) == ("cd.yml", "CD", "alice", None)


def test_one_bad_item_is_skipped_not_the_whole_list():
    broken = {"id": 8, "name": "CD"}  # no created_at
    runs, skipped = gp.parse_items([RUN, broken, "junk"], gp.parse_run)
    assert [r.id for r in runs] == [7] and skipped == 2


def test_deployment_payload_as_json_string():
    dep = gp.parse_deployment({"id": 1, "created_at": "2026-01-01T00:00:00+00:00", "payload": '{"run_id": "55"}'})
    assert dep.run_id == 55 and dep.environment == "" and dep.state == "pending"


def test_deployment_digest_comes_from_the_newest_status_with_an_image_url():
    # The bundled CD jobs set environment.url to the deployed image's AWS console page; GitHub serves
    # it as environment_url on the final status, and later statuses (inactive) may carry none.
    digest = "sha256:" + "c" * 64
    url = f"https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/shop/_/image/{digest}/details"
    raw = [{"state": "inactive", "created_at": "2026-01-02T00:00:00Z", "environment_url": ""},
           {"state": "success", "created_at": "2026-01-01T00:05:00Z", "environment_url": url},
           {"state": "in_progress", "created_at": "2026-01-01T00:00:00Z"}]
    statuses = [gp.parse_status(d) for d in raw]
    assert statuses[1].environment_url == url and statuses[2].environment_url == ""
    dep = gp.parse_deployment({"id": 1, "created_at": "2026-01-01T00:00:00Z"}, statuses)
    assert dep.state == "inactive" and dep.digest == digest
    other = gp.parse_status({"state": "success", "created_at": "2026-01-01T00:05:00Z",
                             "environment_url": "https://shop.example.com/"})  # some other workflow's url
    assert gp.parse_deployment({"id": 2, "created_at": "2026-01-01T00:00:00Z"}, [other]).digest is None


def _failed(status: int, headers: dict[str, str], body: dict) -> RequestFailed:
    request = httpx.Request("POST", "https://api.github.com/repos/acme/shop/actions/runs/1/pending_deployments")
    return RequestFailed(Response(httpx.Response(status, headers=headers, json=body, request=request), dict))


def test_missing_fine_grained_permission_is_named():
    exc = _failed(403, {"x-accepted-github-permissions": "deployments=write"}, {"message": "Resource not accessible"})
    err = map_github_error(exc, base_url="https://api.github.com", repo="acme/shop", action="approve the deployment")
    assert isinstance(err, PermissionDenied) and "'deployments=write' permission" in str(err)


def test_missing_oauth_scope_is_named():
    exc = _failed(403, {"x-accepted-oauth-scopes": "repo, workflow", "x-oauth-scopes": "read:org"}, {"message": "no"})
    err = map_github_error(exc, base_url="https://api.github.com", repo="acme/shop", action="dispatch cd.yml")
    assert isinstance(err, PermissionDenied)
    assert "'repo, workflow' scope (it has: read:org)" in str(err) and "gh auth refresh -s repo" in str(err)


async def test_enterprise_server_base_url_keeps_the_api_prefix():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json={"login": "octo"})

    gh = GitHubService("acme/shop", "t", "https://ghe.example.com/api/v3", transport=httpx.MockTransport(handler))
    assert await gh.current_user() == "octo"
    assert str(seen[0]) == "https://ghe.example.com/api/v3/user"
    await gh.aclose()
