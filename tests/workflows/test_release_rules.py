"""The release rules of workflows v2, run for real with the AWS CLI against moto's ECR server:
the two-repository promotion, never backwards (releases and staging), the preflight's verdict,
smoke retries and the automatic rollback's guard.

moto serves ECR's API but not the registry protocol (/v2/ blobs and manifests), so the one
registry-to-registry step, `docker buildx imagetools create --prefer-index=false` (a carbon copy by
digest), is played by a `docker` stand-in that copies the manifest with batch-get-image/put-image.
Real ECR also needs the layers in the target repository; the real command copies them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workflows.helpers import DOCKER_COPY, REGISTRY_HOST, REPOSITORY, SHA_A, SHA_B, SHA_C, TARGETS, build_tag, git_history

PRODUCTION = "shop-prod"
@pytest.fixture
def docker_copy(tmp_path) -> tuple[str, Path]:
    shim_dir = tmp_path / "docker-shim"
    shim_dir.mkdir()
    docker = shim_dir / "docker"
    docker.write_text(DOCKER_COPY)
    docker.chmod(0o755)
    return str(shim_dir), tmp_path / "docker-calls.log"


@pytest.fixture
def two_repos(registry, docker_copy):
    """Production in its own repository running v1.0.0 (built from SHA_A); SHA_B passed staging."""
    registry.client.create_repository(repositoryName=PRODUCTION)
    old = {t: registry.push(f"old-{t}", build_tag(SHA_A, t), repository=REPOSITORY) for t in TARGETS}
    for t in TARGETS:
        registry.push(f"old-{t}", f"v1.0.0-{t}", f"latest-{t}", repository=PRODUCTION)
    new = {t: registry.push(f"new-{t}", build_tag(SHA_B, t), f"staging-{t}") for t in TARGETS}
    path, log = docker_copy
    env = {"PRODUCTION_REPOSITORY": PRODUCTION, "ECR_REGISTRY": REGISTRY_HOST, "DOCKER_LOG": str(log)}
    return old, new, path, log, env


def staged(digests: dict[str, str]) -> str:
    return ",".join(f"{t}={d}" for t, d in digests.items())


def test_two_repositories_copy_the_tested_digest_and_move_tags_only_in_production(registry, two_repos):
    old, new, path, log, env = two_repos
    staging_before = registry.tags()
    result = registry.run("promote.sh", path_prefix=path, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                          STAGED_DIGESTS=staged(new), **env)
    assert result.returncode == 0, result.stderr
    prod = registry.tags(PRODUCTION)
    for t in TARGETS:
        # The same digest (a copy, not a rebuild), and the manifest byte for byte.
        assert prod[f"latest-{t}"] == prod[f"v1.1.0-{t}"] == new[t]
        assert prod[f"previous-{t}"] == old[t]
        assert registry.manifest(f"latest-{t}", PRODUCTION) == registry.manifest(build_tag(SHA_B, t))
    # The build repository is untouched: no latest-, previous- or release tag ever lands there.
    assert registry.tags() == staging_before
    assert not any(tag.startswith(("latest-", "previous-", "v")) for tag in registry.tags())
    copies = log.read_text().splitlines()
    assert copies == [
        f"buildx imagetools create --prefer-index=false --tag {REGISTRY_HOST}/{PRODUCTION}:v1.1.0-{t} "
        f"{REGISTRY_HOST}/{REPOSITORY}@{new[t]}" for t in TARGETS
    ]
    assert "previous-minimal now names" in result.stdout

    # A re-run copies nothing and moves nothing.
    again = registry.run("promote.sh", path_prefix=path, TARGETS="runtime", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                         STAGED_DIGESTS=staged(new), **env)
    assert again.returncode == 0, again.stderr
    assert registry.tags(PRODUCTION) == prod and len(log.read_text().splitlines()) == 2
    assert again.outputs["moved"] == "false"
    assert again.outputs["image"] == f"{REGISTRY_HOST}/{PRODUCTION}@{new['runtime']}"


def test_promote_refuses_an_untested_digest_before_copying_anything(registry, two_repos):
    _, new, path, log, env = two_repos
    before = registry.tags(PRODUCTION)
    wrong = {"minimal": new["minimal"], "runtime": new["minimal"]}
    result = registry.run("promote.sh", path_prefix=path, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                          STAGED_DIGESTS=staged(wrong), **env)
    assert result.returncode == 1
    assert result.errors == [f"::error::{build_tag(SHA_B, 'runtime')} names {new['runtime']}, but staging tested "
                             f"{new['minimal']}: refusing to promote an untested image"]
    assert registry.tags(PRODUCTION) == before and not log.exists()


@pytest.mark.parametrize("layout", ["single", "two"])
def test_an_older_version_is_refused_for_every_target_unless_allowed(registry, two_repos, layout):
    """v1.2.0 is live; promoting v1.1.0 (a re-run of its old run, say) fails in one line, nothing moves."""
    old, new, path, log, env = two_repos
    if layout == "single":
        env = {"ECR_REGISTRY": REGISTRY_HOST}
        for t in TARGETS:
            registry.push(f"old-{t}", f"v1.2.0-{t}", f"latest-{t}")
        repo = REPOSITORY
    else:
        for t in TARGETS:
            registry.push(f"old-{t}", f"v1.2.0-{t}", repository=PRODUCTION)
        repo = PRODUCTION
    before = registry.tags(repo)
    args = dict(path_prefix=path, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0", STAGED_DIGESTS=staged(new), **env)
    refused = registry.run("promote.sh", **args)
    assert refused.returncode == 1
    assert refused.errors == ["::error::refusing v1.1.0 for 'minimal': production runs v1.2.0 (latest-minimal), "
                              "which is newer; releases never go backwards (set ALLOW_OLDER_RELEASE=true to release "
                              "an older version on purpose)"]
    assert len(refused.stderr.splitlines()) == 1
    assert registry.tags(repo) == before and not log.exists()
    # The preflight says the same before anyone is asked to approve.
    preflight = registry.run("release-order.sh", VERSION="v1.1.0", STAGED_DIGESTS=staged(new), **env)
    assert preflight.returncode == 1 and preflight.errors == refused.errors
    # Pre-releases sort below their release: v1.2.0-rc.1 is older than v1.2.0 too.
    rc = registry.run("release-order.sh", VERSION="v1.2.0-rc.1", STAGED_DIGESTS=staged(new), **env)
    assert rc.returncode == 1 and "refusing v1.2.0-rc.1" in rc.errors[0]
    # On purpose: ALLOW_OLDER=true (the ALLOW_OLDER_RELEASE variable) lets a maintenance release through.
    allowed = registry.run("promote.sh", **{**args, "ALLOW_OLDER": "true"})
    assert allowed.returncode == 0, allowed.stderr
    assert registry.tags(repo)["latest-runtime"] == new["runtime"]


def test_the_preflight_finds_nothing_to_approve_when_production_already_runs_the_release(registry, two_repos):
    _, new, path, _, env = two_repos
    first = registry.run("release-order.sh", VERSION="v1.1.0", STAGED_DIGESTS=staged(new), **env)
    assert first.returncode == 0, first.stderr
    assert first.outputs == {"promote": "true"}
    promoted = registry.run("promote.sh", path_prefix=path, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                            STAGED_DIGESTS=staged(new), **env)
    assert promoted.returncode == 0, promoted.stderr
    rerun = registry.run("release-order.sh", VERSION="v1.1.0", STAGED_DIGESTS=staged(new), **env)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.outputs == {"promote": "false"}  # the production legs are skipped: no review requested
    assert "nothing to promote, nothing to approve" in rerun.stdout


def test_the_preflight_refuses_a_tag_that_is_not_a_release(registry):
    result = registry.run("release-order.sh", VERSION="very-important", STAGED_DIGESTS="minimal=sha256:" + "1" * 64)
    assert result.returncode == 1
    assert result.errors == ["::error::'very-important' is not a release tag (releases are v<digit>…, e.g. v1.4.0)"]


# --- staging never moves back ---------------------------------------------------------------------


@pytest.fixture
def history(tmp_path) -> dict[str, str]:
    return git_history(tmp_path)


def test_staging_never_moves_to_an_older_commit(registry, history):
    second = registry.push("second", build_tag(history["second"], "runtime"))
    third = registry.push("third", build_tag(history["third"], "runtime"))
    first = registry.push("first", build_tag(history["first"], "runtime"))
    run = lambda sha, digest: registry.run("stage.sh", TARGET="runtime", HEAD_SHA=sha, IMAGE_DIGEST=digest,  # noqa: E731
                                           GIT_DIR=history["git_dir"])
    assert run(history["second"], second).outputs["moved"] == "true"
    assert run(history["third"], third).outputs["moved"] == "true"
    # CI for "first" finished last (or was re-run): staging stays on the newer "third".
    late = run(history["first"], first)
    assert late.returncode == 0, late.stderr
    assert late.outputs["moved"] == "false"
    assert registry.tags()["staging-runtime"] == third
    assert f"staging-runtime stays on {history['third']}: {history['first']} is older" in late.stdout
    assert late.outputs["image_url"].endswith(f"/image/{third}/details?region=us-east-1")  # what staging runs
    # A commit git cannot place (history rewritten) moves staging, with a warning.
    stray_sha = "f" * 40
    stray = registry.push("stray", build_tag(stray_sha, "runtime"))
    moved = run(stray_sha, stray)
    assert moved.returncode == 0 and moved.outputs["moved"] == "true"
    assert moved.stdout.startswith("::warning::cannot tell whether")


# --- smoke retries and the automatic rollback's guard ----------------------------------------------

DOCKER_FLAKY = r'''#!/usr/bin/env bash
# Stand-in for docker: `run` fails until FAILS attempts of `--version` have failed, then works.
printf '%s\n' "$*" >> "$DOCKER_LOG"
case "$1" in
  pull) exit 0 ;;
  run)
    last="${*: -1}"
    if [[ "$last" == --version ]]; then
      n=$(grep -c -- '--version$' "$DOCKER_LOG")
      [[ $n -gt $FAILS ]] || exit 1
      echo "ghaecr-console 9.9.9"
    elif [[ "$last" == -u ]]; then echo 10001
    fi ;;
esac
'''


@pytest.fixture
def flaky_docker(tmp_path):
    shim_dir = tmp_path / "flaky"
    shim_dir.mkdir()
    (shim_dir / "docker").write_text(DOCKER_FLAKY)
    (shim_dir / "docker").chmod(0o755)
    return str(shim_dir), tmp_path / "docker.log"


REF = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod@sha256:" + "e" * 64


def test_smoke_retries_a_flake_before_failing(run_offline, flaky_docker):
    path, log = flaky_docker
    ok = run_offline("smoke.sh", path_prefix=path, IMAGE_REF=REF, TARGET="minimal", FAILS="2",
                     SMOKE_BACKOFF_S="0", DOCKER_LOG=str(log))
    assert ok.returncode == 0, ok.stderr
    warnings = [line for line in ok.stdout.splitlines() if line.startswith("::warning::")]
    assert warnings == [f"::warning::minimal: 'ghaecr-console --version' failed in {REF} (attempt {n} of 3; retrying in 0s)"
                        for n in (1, 2)]
    assert "attempt 3 of 3" in ok.summary
    log.unlink()
    broken = run_offline("smoke.sh", path_prefix=path, IMAGE_REF=REF, TARGET="minimal", FAILS="9",
                         SMOKE_BACKOFF_S="0", DOCKER_LOG=str(log))
    assert broken.returncode == 1
    assert broken.errors == [f"::error::minimal: 'ghaecr-console --version' failed in {REF} (attempt 3 of 3)"]


def test_promote_says_moved_false_when_production_already_runs_the_digest(registry, two_repos):
    """cd.yml rolls back after a failed smoke test only when moved == 'true': re-releasing the live
    digest under a new version and flaking must not roll production further back."""
    old, _, path, _, env = two_repos
    registry.push("old-runtime", build_tag(SHA_C, "runtime"))  # the live image, rebuilt as SHA_C's build tag
    result = registry.run("promote.sh", path_prefix=path, TARGETS="runtime", HEAD_SHA=SHA_C, VERSION="v1.0.1",
                          STAGED_DIGESTS=f"runtime={old['runtime']}", **env)
    assert result.returncode == 0, result.stderr
    assert result.outputs["moved"] == "false" and result.outputs["digest"] == old["runtime"]
    assert "previous-runtime" not in registry.tags(PRODUCTION)  # nothing to roll back to, nothing moved away


def test_rollback_records_its_reason(registry, two_repos):
    old, new, path, _, env = two_repos
    registry.run("promote.sh", path_prefix=path, TARGETS="runtime", HEAD_SHA=SHA_B, VERSION="v1.1.0", **env)
    result = registry.run("rollback.sh", TARGETS="runtime", REASON="the smoke test of x failed\n::error::forged", **env)
    assert result.returncode == 0, result.stderr
    assert registry.tags(PRODUCTION)["latest-runtime"] == old["runtime"]
    assert result.outputs["reason"] == "the smoke test of x failed ::error::forged"
    assert "Reason: the smoke test of x failed ::error::forged" in result.summary
    assert result.outputs["image"] == f"{REGISTRY_HOST}/{PRODUCTION}@{old['runtime']}"
    assert registry.tags()["staging-runtime"] == new["runtime"]  # the build repository is not touched


# --- cleanup and prune in the two-repository layout ------------------------------------------------


def test_two_repository_cleanup_counts_releases_from_production_in_both_repositories(registry, two_repos):
    _, _, _, _, env = two_repos
    t0 = 1_700_000_000
    sha = lambda n: f"{n}" * 40  # noqa: E731
    pushed = []
    for n, version in ((1, "v0.1.0"), (2, "v0.2.0"), (3, "v0.3.0")):
        digest = registry.push(f"rel{n}", build_tag(sha(n), "runtime"))
        registry.push(f"rel{n}", f"{version}-runtime", repository=PRODUCTION)
        pushed.append(digest)
    old_build = registry.push("old-build", build_tag(sha(4), "runtime"))
    for i, digest in enumerate([pushed[0], old_build, pushed[1], pushed[2]]):
        registry.set_pushed(digest, t0 + 60 * i)
    for i, digest in enumerate(pushed):
        registry.set_pushed(digest, t0 + 60 * i, repository=PRODUCTION)
    result = registry.run("cleanup.sh", KEEP="3", **env)
    assert result.returncode == 0, result.stderr
    # Production keeps v1.0.0 (latest-), v0.3.0 and v0.2.0; the build repository, where none of
    # these carries a release tag, drops the copy of v0.1.0 and the build older than v0.2.0's.
    assert pushed[0] not in registry.digests(PRODUCTION) and pushed[1] in registry.digests(PRODUCTION)
    assert pushed[0] not in registry.digests() and old_build not in registry.digests()
    assert pushed[1] in registry.digests() and pushed[2] in registry.digests()
    assert result.outputs["deleted"] == "3"


def test_two_repository_prune_deletes_both_copies_and_refuses_each_protected_one(registry, two_repos):
    old, new, _, _, env = two_repos
    gone = "sha256:" + "9" * 64
    result = registry.run("prune.sh", DIGESTS=f"{old['runtime']},{new['runtime']},{gone}", **env)
    assert result.returncode == 1
    # old-runtime: protected in production (latest-runtime), its build copy deleted; new-runtime:
    # protected in the build repository (staging-runtime); the third was never there.
    assert old["runtime"] in registry.digests(PRODUCTION) and old["runtime"] not in registry.digests()
    assert new["runtime"] in registry.digests()
    assert result.errors == [f"::error::refused to delete 2 protected image(s): {old['runtime']} (latest-runtime) "
                             f"{new['runtime']} (staging-runtime); deleted 1"]
    assert f"= already gone {gone}" in result.stdout


def test_the_weekly_scan_gets_the_digests_production_runs(registry, two_repos):
    old, _, _, _, env = two_repos
    registry.client.batch_delete_image(repositoryName=PRODUCTION, imageIds=[{"imageTag": "latest-minimal"}])
    result = registry.run("released-images.sh", **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.outputs["images"]) == [
        {"target": "runtime", "image": f"{REGISTRY_HOST}/{PRODUCTION}@{old['runtime']}"}]
    assert result.outputs["count"] == "1"
    assert "minimal: no latest-minimal in 'shop-prod' (never released): nothing to scan" in result.stdout
