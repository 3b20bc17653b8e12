"""The deploy scripts, run for real with the AWS CLI against moto's ECR server.

moto quirk worth knowing when reading the assertions: moving a tag off an image that had only
that tag deletes the image (real ECR keeps it untagged), so the tests seed images that keep
another tag (their immutable build tag) and assert on tags, not on the set of digests.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.workflows.helpers import DOCKER_MANIFEST, OCI_MANIFEST, SCRIPTS

SHA_A = "a" * 40
SHA_B = "b" * 40


def build_tag(sha: str, target: str) -> str:
    return f"sha-{sha}-{target}"


@pytest.fixture
def released(registry):
    """v1.0.0 in production for both targets (built from SHA_A); SHA_B passed staging since."""
    old = {t: registry.push(f"old-{t}", build_tag(SHA_A, t), f"v1.0.0-{t}", f"latest-{t}") for t in ("minimal", "runtime")}
    new = {t: registry.push(f"new-{t}", build_tag(SHA_B, t), f"staging-{t}") for t in ("minimal", "runtime")}
    return old, new


def test_promote_moves_the_staged_digest_of_the_tagged_commit_for_each_target(registry, released):
    old, new = released
    result = registry.run("promote.sh", TARGETS="minimal,runtime", HEAD_SHA=SHA_B, VERSION="v1.1.0")
    assert result.returncode == 0, result.stderr
    tags = registry.tags()
    for target in ("minimal", "runtime"):
        assert tags[f"latest-{target}"] == new[target]
        assert tags[f"v1.1.0-{target}"] == new[target]
        assert tags[f"previous-{target}"] == old[target]
        assert tags[f"v1.0.0-{target}"] == old[target]  # release tags never move
        assert result.outputs[f"digest_{target}"] == new[target]
        assert result.outputs[f"previous_{target}"] == old[target]
    # previous- is written before latest- moves: a crash in between still leaves a rollback target.
    log = result.stdout
    assert log.index("previous-minimal now names") < log.index("latest-minimal now names")
    # The manifest is put back byte for byte, with the media type ECR reported.
    assert registry.manifest("latest-runtime") == registry.manifest(build_tag(SHA_B, "runtime"))

    # A re-run (say, of a failed later job) changes nothing; above all previous- keeps the old image.
    before = registry.tags()
    again = registry.run("promote.sh", TARGETS="minimal,runtime", HEAD_SHA=SHA_B, VERSION="v1.1.0")
    assert again.returncode == 0, again.stderr
    assert registry.tags() == before
    assert "now names" not in again.stdout and again.stdout.count("already names") == 4
    assert again.outputs == result.outputs


def test_promote_of_a_commit_that_never_passed_staging_fails_clearly(registry, released):
    before = registry.tags()
    result = registry.run("promote.sh", TARGETS="minimal", HEAD_SHA="c" * 40, VERSION="v1.1.0")
    assert result.returncode != 0
    assert result.errors == [
        f"::error::commit {'c' * 40} never passed staging for 'minimal': "
        f"{build_tag('c' * 40, 'minimal')} is not in ECR repository 'shop'"
    ]
    assert registry.tags() == before


def test_promote_refuses_to_move_an_existing_release_tag(registry, released):
    old, _ = released
    result = registry.run("promote.sh", TARGETS="runtime", HEAD_SHA=SHA_B, VERSION="v1.0.0")
    assert result.returncode != 0
    assert "release tags never move" in result.errors[0]
    assert registry.tags()["latest-runtime"] == old["runtime"]


def test_promote_retags_an_oci_manifest_without_top_level_media_type(registry):
    staged = registry.push("oci", build_tag(SHA_B, "runtime"), "staging-runtime", top_level_media_type=False)
    result = registry.run("promote.sh", TARGETS="runtime", HEAD_SHA=SHA_B, VERSION="v2.0.0")
    assert result.returncode == 0, result.stderr
    assert registry.tags()["latest-runtime"] == staged
    manifest, media_type = registry.manifest("latest-runtime")
    assert '"mediaType": "application/vnd.oci.image.manifest' not in manifest.split('"config"')[0]
    assert media_type == OCI_MANIFEST
    assert result.outputs["digest"] == staged
    assert result.outputs["previous"] == ""  # first release: nothing to roll back to


def test_stage_points_staging_at_the_tested_digest(registry):
    digest = registry.push("built", build_tag(SHA_B, "minimal"))
    result = registry.run("stage.sh", TARGET="minimal", HEAD_SHA=SHA_B, IMAGE_DIGEST=digest)
    assert result.returncode == 0, result.stderr
    assert registry.tags()["staging-minimal"] == digest
    other = registry.push("other", "unrelated")
    wrong = registry.run("stage.sh", TARGET="minimal", HEAD_SHA=SHA_B, IMAGE_DIGEST=other)
    assert wrong.returncode != 0 and "not the tested" in wrong.errors[0]


def aws_console_url(digest: str) -> str:
    """The AWS console page of a digest in the test repository (moto's account, the test region)."""
    return (f"https://us-east-1.console.aws.amazon.com/ecr/repositories/private/123456789012/shop/_/image/{digest}"
            "/details?region=us-east-1")


def test_each_deploy_script_names_the_digest_it_moved_in_image_url(registry, released):
    # image_url becomes the job's environment url, which the console reads the deployed image from.
    old, new = released
    staged = registry.run("stage.sh", TARGET="runtime", HEAD_SHA=SHA_B, IMAGE_DIGEST=new["runtime"])
    promoted = registry.run("promote.sh", TARGETS="runtime", HEAD_SHA=SHA_B, VERSION="v1.1.0")
    rolled_back = registry.run("rollback.sh", TARGETS="runtime")
    for result, digest in ((staged, new["runtime"]), (promoted, new["runtime"]), (rolled_back, old["runtime"])):
        assert result.returncode == 0, result.stderr
        assert result.outputs["image_url"] == aws_console_url(digest)
    assert old["runtime"] != new["runtime"]


@pytest.mark.parametrize(("region", "registry_id"), [("", "123456789012"), ("us-east-1", ""), ("us-east-1\nx=1", "123456789012")],
                         ids=["no-region", "no-registry-id", "forged-region"])
def test_an_image_url_that_cannot_be_built_warns_and_never_fails_the_deploy(tmp_path, region, registry_id):
    """The tags have already moved when the url is written: a deploy must not fail over a link."""
    outputs = tmp_path / "outputs"
    snippet = ('. "$1/lib/common.sh"; ECR_REPOSITORY=shop; . "$1/lib/ecr.sh"; ECR_REGISTRY_ID="$3"; '
               'ecr_output_image_url "sha256:$(printf "a%.0s" {1..64})"')
    proc = subprocess.run(["bash", "-c", snippet, "-", str(SCRIPTS), region, registry_id], capture_output=True, text=True,
                          check=False, env={"PATH": "/usr/bin:/bin", "AWS_REGION": region, "GITHUB_OUTPUT": str(outputs)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("::warning::no environment url") and proc.stdout.count("\n") == 1
    assert not outputs.exists() or "image_url" not in outputs.read_text()


def test_rollback_is_per_target_with_each_targets_own_previous(registry):
    prev = {
        "minimal": registry.push("prev-minimal", build_tag(SHA_A, "minimal"), "v1.0.0-minimal", "previous-minimal",
                                 media_type=DOCKER_MANIFEST),
        "runtime": registry.push("prev-runtime", build_tag(SHA_A, "runtime"), "v1.0.0-runtime", "previous-runtime"),
    }
    bad = {t: registry.push(f"bad-{t}", build_tag(SHA_B, t), f"v1.1.0-{t}", f"latest-{t}") for t in ("minimal", "runtime")}
    assert prev["minimal"] != prev["runtime"]
    result = registry.run("rollback.sh", TARGETS="all")
    assert result.returncode == 0, result.stderr
    tags = registry.tags()
    assert tags["latest-minimal"] == prev["minimal"]
    assert tags["latest-runtime"] == prev["runtime"]
    assert tags["previous-minimal"] == prev["minimal"]  # left alone: a re-run is a no-op
    assert registry.manifest("latest-minimal")[1] == DOCKER_MANIFEST  # each manifest keeps its own type
    assert result.outputs["from_runtime"] == bad["runtime"] and result.outputs["to_runtime"] == prev["runtime"]
    again = registry.run("rollback.sh", TARGETS="runtime,minimal")
    assert again.returncode == 0, again.stderr
    assert registry.tags() == tags


def test_rollback_to_a_named_version_touches_only_that_target(registry):
    v1 = {t: registry.push(f"v1-{t}", build_tag(SHA_A, t), f"v1.0.0-{t}") for t in ("minimal", "runtime")}
    v2 = {t: registry.push(f"v2-{t}", build_tag(SHA_B, t), f"v2.0.0-{t}", f"latest-{t}") for t in ("minimal", "runtime")}
    result = registry.run("rollback.sh", TARGETS="runtime", TO_VERSION="v1.0.0")
    assert result.returncode == 0, result.stderr
    tags = registry.tags()
    assert tags["latest-runtime"] == v1["runtime"]
    assert tags["latest-minimal"] == v2["minimal"]


def test_rollback_without_a_previous_image_fails_before_moving_anything(registry):
    registry.push("p", build_tag(SHA_A, "minimal"), "previous-minimal", "latest-minimal")
    latest_runtime = registry.push("r", build_tag(SHA_A, "runtime"), "latest-runtime")
    before = registry.tags()
    result = registry.run("rollback.sh", TARGETS="minimal,runtime")
    assert result.returncode != 0
    assert result.errors == ["::error::cannot roll back 'runtime': previous-runtime does not exist in ECR repository 'shop'"]
    assert registry.tags() == before and before["latest-runtime"] == latest_runtime


def test_prune_deletes_exactly_the_unprotected_digests_and_refuses_protected_ones(registry):
    old = [registry.push(f"old{i}", build_tag(f"{i}" * 40, "runtime"), f"v0.{i}.0-runtime") for i in range(1, 4)]
    keep = registry.push("keep", build_tag("d" * 40, "runtime"), "v0.9.0-runtime")
    latest = registry.push("latest", build_tag("e" * 40, "runtime"), "latest-runtime")
    previous = registry.push("previous", build_tag("f" * 40, "minimal"), "previous-minimal")
    staging = registry.push("staging", build_tag("0" * 40, "minimal"), "staging-minimal")
    result = registry.run("prune.sh", DIGESTS=",".join([old[0], old[1], latest, previous, staging]) + " , " + old[2])
    assert result.returncode != 0
    assert registry.digests() == {keep, latest, previous, staging}
    assert result.outputs["deleted"] == "3"
    assert len(result.errors) == 1 and "refused to delete 3 protected image(s)" in result.errors[0]
    for digest, tag in ((latest, "latest-runtime"), (previous, "previous-minimal"), (staging, "staging-minimal")):
        assert f"{digest} ({tag})" in result.errors[0]
    # A re-run of a finished prune succeeds: the digests are simply gone.
    again = registry.run("prune.sh", DIGESTS=",".join(old))
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already gone") == 3


def test_missing_source_image_fails_with_a_clear_message(registry):
    registry.push("x", build_tag(SHA_A, "minimal"), "latest-minimal")
    result = registry.run("rollback.sh", TARGETS="minimal", TO_VERSION="v9.9.9")
    assert result.returncode != 0
    assert result.errors == ["::error::cannot roll back 'minimal': v9.9.9-minimal does not exist in ECR repository 'shop'"]


BAD_INPUTS = [
    ("rollback.sh", {"TARGETS": "minimal,backend"}, "unknown target 'backend' (known targets: minimal,runtime)"),
    ("rollback.sh", {"TARGETS": " , "}, "no targets given"),
    ("rollback.sh", {"TARGETS": "all", "TO_VERSION": "1.0; rm -rf /"}, "malformed version '1.0? rm -rf /'"),
    ("promote.sh", {"TARGETS": "runtime", "HEAD_SHA": "main", "VERSION": "v1.0.0"}, "malformed commit sha 'main'"),
    ("prune.sh", {"DIGESTS": "sha256:" + "a" * 64 + ",sha256:XYZ"}, "malformed digest 'sha256:XYZ'"),
    ("prune.sh", {"DIGESTS": "sha256:" + "A" * 64}, "malformed digest"),
    ("prune.sh", {"DIGESTS": ""}, "no digests given"),
    ("stage.sh", {"TARGET": "minimal\n::add-mask::x", "HEAD_SHA": SHA_A, "IMAGE_DIGEST": "sha256:" + "a" * 64},
     "unknown target '::add-mask::x'"),
]


@pytest.mark.parametrize(("script", "env", "reason"), BAD_INPUTS, ids=[f"{s}-{r.split()[0]}-{r.split()[1]}" for s, _, r in BAD_INPUTS])
def test_bad_input_fails_before_touching_ecr_with_one_line(registry, no_aws, script, env, reason):
    result = registry.run(script, endpoint="http://127.0.0.1:9", path_prefix=str(no_aws), **env)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.errors[0].startswith("::error::" + reason), result.errors
    assert not (no_aws.parent / "aws-calls.log").exists(), "the script called the AWS CLI"


OCI_INDEX = "application/vnd.oci.image.index.v1+json"


@pytest.mark.parametrize(
    ("manifest", "reported", "expected"),
    [
        ({"schemaVersion": 2, "config": {"mediaType": "application/vnd.oci.image.config.v1+json"}, "layers": []}, "", OCI_MANIFEST),
        ({"schemaVersion": 2, "manifests": [{"digest": "sha256:" + "e" * 64}]}, "", OCI_INDEX),
        ({"schemaVersion": 2, "config": {"mediaType": "application/vnd.docker.container.image.v1+json"}}, "", DOCKER_MANIFEST),
        ({"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": {}}, "", DOCKER_MANIFEST),
        ({"schemaVersion": 2, "config": {}}, OCI_INDEX, OCI_INDEX),  # what ECR reports wins
    ],
    ids=["oci-manifest", "oci-index", "docker-by-config", "top-level", "reported"],
)
def test_media_type_comes_from_ecr_else_from_the_manifest_content(tmp_path, manifest, reported, expected):
    """The retag's fallback when batch-get-image does not report imageManifestMediaType."""
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    snippet = '. "$1/lib/common.sh"; ECR_REPOSITORY=shop; . "$1/lib/ecr.sh"; manifest_media_type "$2" "$3"'
    proc = subprocess.run(["bash", "-c", snippet, "-", str(SCRIPTS), str(path), reported],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1795753940", "1795753940"), ("1795753940.517", "1795753940"), ("2026-11-27T04:32:20.123000+00:00", "1795753940")],
    ids=["cli-v1-epoch", "cli-v1-fraction", "cli-v2-iso8601"],
)
def test_push_times_read_the_same_from_aws_cli_v1_and_v2(value, expected):
    snippet = '. "$1/lib/common.sh"; ECR_REPOSITORY=shop; . "$1/lib/ecr.sh"; epoch_seconds "$2"'
    proc = subprocess.run(["bash", "-c", snippet, "-", str(SCRIPTS), value], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == expected
