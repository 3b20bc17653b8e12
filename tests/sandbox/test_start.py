"""The sandbox starts with an interesting seeded state, reachable over loopback HTTP."""

from __future__ import annotations

import httpx


def test_start_serves_github_and_ecr(sandbox):
    headers = {"Authorization": f"Bearer {sandbox.token}"}
    runs = httpx.get(f"{sandbox.github_url}/repos/{sandbox.repo}/actions/runs", headers=headers).json()
    assert runs["workflow_runs"][0]["status"] == "waiting"
    assert runs["total_count"] > 30
    tags = {t for i in sandbox.ecr_client().describe_images(repositoryName=sandbox.ecr_repository)["imageDetails"]
            for t in i.get("imageTags", [])}
    for target in sandbox.targets:
        assert {f"latest-{target}", f"previous-{target}", f"staging-{target}", f"v1.4.0-{target}"} <= tags
