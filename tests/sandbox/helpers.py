"""Helpers for the sandbox's own tests: ECR tag maps, job logs, dispatches and reviews over HTTP."""

from __future__ import annotations

import httpx


def tag_map(sb) -> dict[str, str]:
    """Every tag in the sandbox's ECR repository -> the digest it names (read over the API)."""
    details = sb.ecr_client().describe_images(repositoryName=sb.ecr_repository)["imageDetails"]
    return {tag: d["imageDigest"] for d in details for tag in d.get("imageTags", [])}


def job_log(gh, sb, run_id: int, job_name: str) -> str:
    jobs = gh.get(f"/repos/{sb.repo}/actions/runs/{run_id}/jobs").json()["jobs"]
    job = next(j for j in jobs if j["name"] == job_name)
    response = gh.get(f"/repos/{sb.repo}/actions/jobs/{job['id']}/logs")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return response.text


def dispatch(gh, sb, **inputs) -> int:
    response = gh.post(f"/repos/{sb.repo}/actions/workflows/cd.yml/dispatches",
                       json={"ref": "main", "inputs": inputs, "return_run_details": True})
    assert response.status_code == 200, response.text
    return response.json()["workflow_run_id"]


def review(gh, sb, run_id: int, state: str, comment: str = "checked") -> httpx.Response:
    pending = gh.get(f"/repos/{sb.repo}/actions/runs/{run_id}/pending_deployments").json()
    ids = [p["environment"]["id"] for p in pending]
    return gh.post(f"/repos/{sb.repo}/actions/runs/{run_id}/pending_deployments",
                   json={"environment_ids": ids, "state": state, "comment": comment})


def settle_seeded_release(gh, sb, state: str = "rejected") -> None:
    """Answer the seeded v1.5.0 review: until then its production legs hold the release group
    (cd.yml's per-target concurrency), so a newer tag queues behind it, as on GitHub."""
    assert review(gh, sb, sb.pending_run_id, state).status_code == 200
    sb.wait_run(sb.pending_run_id)
