"""Workflows v2's release rules on both paths: promote.sh and ecr_ops.promote refuse an older version
unless allowed, and the two-repository promotion leaves the same tags in the same repositories.

The script's registry-to-registry copy (docker buildx imagetools create) is played by the same
`docker` stand-in as in tests/workflows/test_release_rules.py (moto has no registry protocol); the
Python side puts the manifest through ``Registry`` (moto does not check layers)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.services import ecr_ops
from console.services.registry import Registry
from tests.differential.harness import SHA, TARGETS, Case, Img, Repos, digest, production
from tests.workflows.helpers import DOCKER_COPY

PROD = "shop-prod"


def promote_case(name, version, *, images=None, allow_older=False, two=False, env=None, **expect) -> Case:
    async def call(repos: Repos):
        ecr = Registry(repos(), repos(PROD)) if two else repos()
        await ecr_ops.promote(ecr, list(TARGETS), version, lambda t: f"sha-{SHA['next']}-{t}", allow_older=allow_older)

    script_env = {"TARGETS": ",".join(TARGETS), "HEAD_SHA": SHA["next"], "VERSION": version,
                  **({"ALLOW_OLDER": "true"} if allow_older else {}), **(env or {})}
    return Case(name, images or production(), "promote.sh", script_env, call, **expect)


@pytest.mark.parametrize("allow_older", [False, True], ids=["refused", "allowed"])
def test_an_older_version_than_production_runs(differ, allow_older):
    """v2.0.0 is live; v1.5.0 of a newer commit is refused on both paths, or promoted when allowed."""
    expect = {f"latest-{t}": (f"next-{t}" if allow_older else f"v2-{t}") for t in TARGETS}
    differ.check(promote_case("promote older v1.5.0", "v1.5.0", allow_older=allow_older, expect_ok=allow_older,
                              expect_tags=expect | {"v1.5.0-runtime": "next-runtime" if allow_older else None}))


def test_a_pre_release_of_the_live_version_is_older(differ):
    differ.check(promote_case("promote v2.0.0-rc.1", "v2.0.0-rc.1", expect_ok=False,
                              expect_tags={"latest-runtime": "v2-runtime", "v2.0.0-rc.1-runtime": None}))


@pytest.fixture
def docker_copy(tmp_path) -> dict[str, str]:
    shim = tmp_path / "docker-shim"
    shim.mkdir()
    (shim / "docker").write_text(DOCKER_COPY)
    (shim / "docker").chmod(0o755)
    path = os.pathsep.join([str(shim), str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return {"PATH": path, "DOCKER_LOG": str(tmp_path / "docker.log"), "PRODUCTION_REPOSITORY": PROD,
            "ECR_REGISTRY": "123456789012.dkr.ecr.us-east-1.amazonaws.com"}


def two_repositories() -> tuple[Img, ...]:
    """Builds and staging- in shop; v2.0.0 live in shop-prod (copied there earlier)."""
    images = []
    for t in TARGETS:
        images += [Img(f"v2-{t}", (f"sha-{SHA['v2']}-{t}",), 20),
                   Img(f"next-{t}", (f"sha-{SHA['next']}-{t}", f"staging-{t}"), 30),
                   Img(f"v2-{t}", (f"v2.0.0-{t}", f"latest-{t}"), 20, repository=PROD)]
    return tuple(images)


def test_two_repository_promotion(differ, docker_copy):
    expect = {}
    for t in TARGETS:
        expect |= {f"latest-{t}": f"next-{t}", f"v3.0.0-{t}": f"next-{t}", f"previous-{t}": f"v2-{t}"}
    bash, _ = differ.check(promote_case("two repositories v3.0.0", "v3.0.0", images=two_repositories(), two=True,
                                        env=docker_copy, expect_tags=expect))
    build_tags = {tag for tags in bash.state["shop"].values() for tag in tags}
    assert not any(tag.startswith(("latest-", "previous-", "v")) for tag in build_tags)


def test_two_repository_promotion_of_an_older_version_is_refused(differ, docker_copy):
    differ.check(promote_case("two repositories, older v1.0.1", "v1.0.1", images=two_repositories(), two=True,
                              env=docker_copy, expect_ok=False, expect_tags={"latest-runtime": "v2-runtime",
                                                                            "v1.0.1-runtime": None}))


# --- staging never moves back (a real git history: stage.sh asks git, ecr_ops.stage gets its answer) ---


@pytest.mark.parametrize(("staged", "running", "moves"), [("first", "third", False), ("third", "second", True)],
                         ids=["older-stays", "newer-moves"])
def test_staging_follows_git_order_on_both_paths(differ, history, staged, running, moves):
    def is_ancestor(a: str, b: str) -> bool:
        return subprocess.run(["git", "--git-dir", history["git_dir"], "merge-base", "--is-ancestor", a, b],
                              check=False).returncode == 0

    # Push times say the opposite of git (a re-run of an old CI pushes last): git decides.
    images = (Img("live", (f"sha-{history[running]}-runtime", "staging-runtime"), 50),
              Img("candidate", (f"sha-{history[staged]}-runtime",), 10 if moves else 90))

    async def call(repos: Repos):
        await ecr_ops.stage(repos(), "runtime", history[staged], is_ancestor=is_ancestor)

    env = {"TARGET": "runtime", "HEAD_SHA": history[staged], "IMAGE_DIGEST": digest("candidate"),
           "GIT_DIR": history["git_dir"]}
    differ.check(Case(f"stage {staged} while staging runs {running}", images, "stage.sh", env, call,
                      expect_tags={"staging-runtime": "candidate" if moves else "live"}))
