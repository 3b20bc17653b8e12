"""ETag/304, rate-limit headers, pagination, auth, 404 and every fault knob of the GitHub stand-in."""

from __future__ import annotations

import httpx
import pytest

RUNS = "/repos/acme/shop/actions/runs"


def test_etag_304_is_not_counted_against_the_rate_limit(sandbox, gh):
    first = gh.get(RUNS)
    etag = first.headers["etag"]
    remaining = int(first.headers["x-ratelimit-remaining"])
    for _ in range(3):
        again = gh.get(RUNS, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert int(again.headers["x-ratelimit-remaining"]) == remaining
    recorded = sandbox.state.requests[-4:]
    assert [(r.status, r.counted) for r in recorded] == [(200, True)] + [(304, False)] * 3
    sandbox.push_main("Something changed")
    changed = gh.get(RUNS, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert int(changed.headers["x-ratelimit-remaining"]) == remaining - 1


def test_rate_limit_headers_and_exhaustion(sandbox, gh):
    response = gh.get("/user")
    headers = response.headers
    assert headers["x-ratelimit-limit"] == "5000" and headers["x-ratelimit-resource"] == "core"
    assert int(headers["x-ratelimit-used"]) + int(headers["x-ratelimit-remaining"]) == 5000
    assert int(headers["x-ratelimit-reset"]) > 1_700_000_000
    sandbox.state.ratelimit_used = sandbox.state.ratelimit_limit
    limited = gh.get("/user")
    assert limited.status_code == 403 and "API rate limit exceeded" in limited.json()["message"]
    assert limited.headers["x-ratelimit-remaining"] == "0"


def test_pagination_link_header_walks_every_run(sandbox, gh):
    seen, url, pages = [], f"{RUNS}?per_page=7", 0
    while url:
        response = gh.get(url)
        body = response.json()
        assert body["total_count"] == len(sandbox.state.runs)
        seen += [r["id"] for r in body["workflow_runs"]]
        url = response.links.get("next", {}).get("url")
        pages += 1
    assert len(seen) == len(set(seen)) == len(sandbox.state.runs)
    assert pages == -(-len(seen) // 7)
    last = gh.get(f"{RUNS}?per_page=7&page={pages}")
    assert set(last.links) == {"first", "prev"}


def test_run_filters(sandbox, gh):
    by_branch = gh.get(RUNS, params={"branch": "v1.5.0"}).json()["workflow_runs"]
    assert [r["status"] for r in by_branch] == ["waiting"]
    failed = gh.get("/repos/acme/shop/actions/workflows/ci.yml/runs", params={"status": "failure"}).json()
    assert failed["total_count"] > 0 and {r["conclusion"] for r in failed["workflow_runs"]} == {"failure"}
    scheduled = gh.get(RUNS, params={"event": "schedule", "per_page": 100}).json()["workflow_runs"]
    assert scheduled and {r["path"] for r in scheduled} == {".github/workflows/security.yml"}


def test_bad_or_missing_token_and_unknown_repository(sandbox):
    for headers in ({}, {"Authorization": "Bearer ghp_wrong"}, {"Authorization": "Basic c2FuZGJveA=="}):
        response = httpx.get(f"{sandbox.github_url}/user", headers=headers)
        assert response.status_code == 401 and response.json()["message"] == "Bad credentials"
    ok = httpx.get(f"{sandbox.github_url}/user", headers={"Authorization": "token sandbox-token"})
    assert ok.status_code == 200
    missing = httpx.get(f"{sandbox.github_url}/repos/acme/nope/actions/runs", headers={"Authorization": "Bearer sandbox-token"})
    assert missing.status_code == 404 and missing.json()["message"] == "Not Found"


def test_job_log_redirects_to_a_plain_text_download(sandbox, gh):
    run = gh.get(RUNS, params={"status": "completed", "per_page": 1}).json()["workflow_runs"][0]
    job = gh.get(run["jobs_url"]).json()["jobs"][0]
    redirect = gh.get(f"/repos/acme/shop/actions/jobs/{job['id']}/logs", follow_redirects=False)
    assert redirect.status_code == 302
    text = httpx.get(redirect.headers["location"])  # no token needed, like GitHub's signed log URLs
    assert text.status_code == 200 and "##[group]" in text.text


def test_fault_unauthorized_and_secondary_rate_limit(sandbox, gh):
    sandbox.faults.unauthorized = True
    assert gh.get("/user").status_code == 401
    sandbox.faults.unauthorized = False
    sandbox.faults.secondary_rate_limit = 7
    limited = gh.get("/user")
    assert limited.status_code == 403 and limited.headers["retry-after"] == "7"
    assert "secondary rate limit" in limited.json()["message"]
    sandbox.faults.secondary_rate_limit = None
    assert gh.get("/user").status_code == 200


def test_fault_forbidden_answers_like_a_token_without_the_permission(sandbox, gh):
    url = "/repos/acme/shop/actions/workflows/cd.yml/dispatches"
    sandbox.faults.forbidden = {"dispatch", "deployments"}
    denied = gh.post(url, json={"ref": "main", "inputs": {"operation": "prune"}})
    assert denied.status_code == 403 and denied.headers["x-accepted-github-permissions"] == "actions=write"
    assert denied.json()["message"] == "Resource not accessible by personal access token"
    assert gh.get("/api/v3/repos/acme/shop/deployments").headers["x-accepted-github-permissions"] == "deployments=read"
    assert gh.get(RUNS).status_code == 200  # only the named kinds
    assert not [r for r in sandbox.state.runs.values() if r.event == "workflow_dispatch"]
    with pytest.raises(ValueError, match="unknown route kind"):
        sandbox.faults.forbidden = {"dispatches"}  # a typo would test nothing
    sandbox.faults.reset()
    assert gh.post(url, json={"ref": "main", "inputs": {"operation": "prune"}}).status_code == 204


def test_cancel_stops_a_dispatched_run_like_github(sandbox, gh):
    sandbox.pause()  # the run stays queued until cancelled
    started = gh.post("/repos/acme/shop/actions/workflows/cd.yml/dispatches",
                      json={"ref": "main", "inputs": {"operation": "prune"}, "return_run_details": True})
    run_id = started.json()["workflow_run_id"]
    assert gh.post(f"{RUNS}/{run_id}/cancel").status_code == 202
    run = gh.get(f"{RUNS}/{run_id}").json()
    assert (run["status"], run["conclusion"]) == ("completed", "cancelled")
    again = gh.post(f"{RUNS}/{run_id}/cancel")
    assert again.status_code == 409 and "completed" in again.json()["message"]
    sandbox.resume()


def test_fault_fail_next_5xx_counts_down(sandbox, gh):
    sandbox.faults.fail_next_5xx = 2
    assert [gh.get("/user").status_code for _ in range(3)] == [502, 502, 200]


def test_fault_error_rate_and_latency(sandbox, gh):
    sandbox.faults.error_rate = 1.0
    assert gh.get("/user").status_code in (500, 502, 503)
    sandbox.faults.error_rate = 0.0
    sandbox.faults.latency_s = 0.2
    response = gh.get("/user")
    assert response.status_code == 200 and response.elapsed.total_seconds() >= 0.2


def test_dispatch_validation_like_github(sandbox, gh):
    url = "/repos/acme/shop/actions/workflows/cd.yml/dispatches"
    assert gh.post(url, json={"ref": "main", "inputs": {"operation": "prune", "digests": "x"}}).status_code == 204
    unknown = gh.post(url, json={"ref": "main", "inputs": {"operation": "prune", "bogus": "1"}})
    assert unknown.status_code == 422 and "bogus" in unknown.json()["message"]
    bad_ref = gh.post(url, json={"ref": "no-such-branch", "inputs": {"operation": "prune"}})
    assert bad_ref.status_code == 422 and "No ref found" in bad_ref.json()["message"]
    bad_choice = gh.post(url, json={"ref": "main", "inputs": {"operation": "explode"}})
    assert bad_choice.status_code == 422
    not_dispatchable = gh.post("/repos/acme/shop/actions/workflows/ci.yml/dispatches", json={"ref": "main"})
    assert not_dispatchable.status_code == 422
    sandbox.faults.dispatch_details_unsupported = True
    old = gh.post(url, json={"ref": "main", "inputs": {"operation": "prune"}, "return_run_details": True})
    assert old.status_code == 422 and "return_run_details" in old.json()["message"]


def test_in_process_asgi_app_serves_the_same_state(sandbox):
    import asyncio

    async def fetch():
        transport = httpx.ASGITransport(app=sandbox.asgi_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            return await client.get(RUNS, headers={"Authorization": f"Bearer {sandbox.token}"})

    response = asyncio.run(fetch())
    assert response.status_code == 200 and response.json()["total_count"] == len(sandbox.state.runs)


def test_in_process_approval_and_dispatch_reach_the_simulator(sandbox):
    import asyncio

    async def act():
        transport = httpx.ASGITransport(app=sandbox.asgi_app)
        headers = {"Authorization": f"Bearer {sandbox.token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox", headers=headers) as client:
            base = f"/repos/{sandbox.repo}/actions"
            pending = (await client.get(f"{base}/runs/{sandbox.pending_run_id}/pending_deployments")).json()
            review = await client.post(f"{base}/runs/{sandbox.pending_run_id}/pending_deployments", json={
                "environment_ids": [pending[0]["environment"]["id"]], "state": "approved", "comment": "ok"})
            dispatched = await client.post(f"{base}/workflows/cd.yml/dispatches", json={
                "ref": "main", "inputs": {"operation": "prune", "digests": "sha256:" + "0" * 64}, "return_run_details": True})
            return review.status_code, dispatched.json()["workflow_run_id"]

    status, run_id = asyncio.run(act())
    assert status == 200
    assert sandbox.wait_run(sandbox.pending_run_id).conclusion == "success"
    assert sandbox.wait_run(run_id).status == "completed"


def test_pause_freezes_running_jobs(sandbox_factory):
    sb = sandbox_factory(speed=200)
    sha = sb.push_main("Slow one")
    sb.pause()
    ci, = sb.runs_for(sha)
    before = [(j.name, j.status, [s.status for s in j.steps]) for j in ci.jobs]
    frozen = sb.clock.now()
    import time

    time.sleep(0.3)
    assert [(j.name, j.status, [s.status for s in j.steps]) for j in ci.jobs] == before
    assert sb.clock.now() == frozen
    sb.resume()
    assert sb.wait_run(ci.id).conclusion == "success"


def test_github_enterprise_prefix_serves_the_same_api(sandbox):
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    base = f"{sandbox.github_url}/api/v3"
    runs = httpx.get(f"{base}/repos/{sandbox.repo}/actions/runs", params={"per_page": 2, "status": "completed"},
                     headers=headers)
    assert runs.status_code == 200 and runs.links["next"]["url"].startswith(f"{base}/repos/")
    assert runs.json()["workflow_runs"][0]["url"].startswith(f"{base}/repos/")
    job = httpx.get(runs.json()["workflow_runs"][0]["jobs_url"], headers=headers).json()["jobs"][0]
    log = httpx.get(f"{base}/repos/{sandbox.repo}/actions/jobs/{job['id']}/logs", headers=headers, follow_redirects=True)
    assert log.status_code == 200 and "##[group]" in log.text
    assert httpx.get(f"{base}/nope", headers=headers).status_code == 404
