"""Seeded history is deterministic and interesting; ``sandbox serve`` prints what another process needs."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime

import boto3
import httpx
import pytest

from console.sandbox import Sandbox
from console.sandbox.serve import serve
from tests.sandbox.helpers import tag_map

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _fingerprint(sb) -> tuple:
    runs = sorted((r.id, r.workflow, r.head_sha, r.status, r.conclusion, r.display_title, r.created_at)
                  for r in sb.state.runs.values())
    deployments = sorted((d.id, d.environment, d.ref, d.sha) for d in sb.state.deployments.values())
    return runs, deployments, sorted(tag_map(sb).items())


def test_same_seed_same_history_and_images():
    with Sandbox(seed=11, now=NOW, speed=600) as sb:  # one sandbox at a time (moto's state is global)
        first = _fingerprint(sb)
    with Sandbox(seed=11, now=NOW, speed=600) as sb:
        second = _fingerprint(sb)
    assert first == second
    with Sandbox(seed=12, now=NOW, speed=600) as other:
        assert _fingerprint(other)[2] != first[2]


def test_seeded_history_has_what_the_first_screen_shows(sandbox):
    runs = sandbox.state.runs_newest_first()
    assert runs[0].status == "waiting" and runs[0].head_branch == "v1.5.0"
    assert {(r.workflow, r.conclusion) for r in runs} >= {
        ("ci.yml", "success"), ("ci.yml", "failure"), ("cd.yml", "success"),
        ("security.yml", "success"), ("security.yml", "failure"),
    }
    tags = tag_map(sandbox)
    for target in sandbox.targets:
        assert tags[f"latest-{target}"] == tags[f"v1.4.0-{target}"]
        assert tags[f"previous-{target}"] == tags[f"v1.3.0-{target}"]
        assert tags[f"staging-{target}"] not in (tags[f"latest-{target}"], tags.get(f"v1.5.0-{target}", None))
    environments = {d.environment for d in sandbox.state.deployments.values()}
    assert environments == {"staging", "production"}
    sizes = [d["imageSizeInBytes"] for d in sandbox.ecr_client().describe_images(repositoryName="shop")["imageDetails"]]
    assert min(sizes) > 10_000_000


def test_images_and_runs_scale(sandbox_factory):
    sb = sandbox_factory(images=300, runs=120, targets=("minimal", "runtime", "debug"))
    details = sb.ecr_client().describe_images(repositoryName=sb.ecr_repository)["imageDetails"]
    assert len(details) == 300
    assert len(sb.state.runs) == 121  # the newest 120 plus the release waiting for approval
    pushed = sorted(d["imagePushedAt"] for d in details)
    assert (pushed[-1] - pushed[0]).days >= 14


def test_serve_prints_exports_and_stops_cleanly():
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(target=serve, kwargs={"seed": 3, "out": out, "stop": stop})
    thread.start()
    try:
        for _ in range(300):
            if "GHAECR_ECR_REPOSITORY" in out.getvalue():
                break
            stop.wait(0.05)
        env = dict(line.removeprefix("export ").split("=", 1) for line in out.getvalue().splitlines())
        assert {"GITHUB_API_URL", "GH_ENTERPRISE_TOKEN", "AWS_ENDPOINT_URL_ECR", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_DEFAULT_REGION", "GHAECR_REPO", "GHAECR_ECR_REPOSITORY"} <= set(env)
        user = httpx.get(env["GITHUB_API_URL"] + "/user", headers={"Authorization": f"Bearer {env['GH_ENTERPRISE_TOKEN']}"})
        assert user.json()["login"] == "octo-operator"
        ecr = boto3.client("ecr", endpoint_url=env["AWS_ENDPOINT_URL_ECR"], region_name=env["AWS_DEFAULT_REGION"],
                           aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
        assert ecr.describe_repositories()["repositories"][0]["repositoryName"] == env["GHAECR_ECR_REPOSITORY"]
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_serve_on_a_busy_port_says_so_in_one_sentence():
    import socket

    from console.errors import ConfigError

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        with pytest.raises(ConfigError, match="choose another --port"):
            serve(port=busy.getsockname()[1], out=io.StringIO())
    finally:
        busy.close()


@pytest.mark.slow
def test_bench_scale_starts_with_every_image_and_run(sandbox_factory):
    targets = ("minimal", "runtime", "debug")
    sb = sandbox_factory(images=10_000, runs=1_000, targets=targets)
    details = sb.ecr_client().describe_images(repositoryName=sb.ecr_repository)["imageDetails"]
    assert len(details) == 10_000
    assert len(sb.state.runs) == 1_001  # plus the release waiting for approval
    tags = {t for d in details for t in d.get("imageTags", [])}
    assert {f"latest-{t}" for t in targets} <= tags and "v0.1.0-debug" in tags
