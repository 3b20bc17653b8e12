"""CD's workflow_dispatch validation (before anything touches AWS) and the release cleanup."""

from __future__ import annotations

import pytest

D1, D2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64


def test_rollback_dispatch_yields_the_matrix_of_chosen_targets(run_offline, no_aws):
    result = run_offline("validate-dispatch.sh", path_prefix=str(no_aws), OPERATION="rollback",
                         TARGETS="runtime, minimal", TO_VERSION="v1.3.0", REQUEST_ID="req-42",
                         REASON="bad deploy\n::error::injected `x`", GITHUB_REF="refs/heads/main")
    assert result.returncode == 0, result.stderr
    assert result.outputs["targets"] == '["runtime","minimal"]'
    assert "rollback: targets runtime minimal to v1.3.0 [req-42]" in result.stdout
    assert "- reason: `bad deploy ::error::injected x`" in result.summary  # one line, no backticks
    everything = run_offline("validate-dispatch.sh", OPERATION="rollback", TARGETS="all")
    assert everything.outputs["targets"] == '["minimal","runtime"]'


def test_prune_dispatch_normalises_the_digest_list(run_offline):
    result = run_offline("validate-dispatch.sh", OPERATION="prune", DIGESTS=f" {D1},{D2} ,{D1}", TARGETS="ignored")
    assert result.returncode == 0, result.stderr
    assert result.outputs == {"targets": "[]", "digests": f"{D1},{D2}"}


BAD = [
    ({"OPERATION": "deploy"}, "unknown operation 'deploy' (expected rollback or prune)"),
    ({"OPERATION": "rollback", "TARGETS": "runtime,api"}, "unknown target 'api' (known targets: minimal,runtime)"),
    ({"OPERATION": "rollback", "TARGETS": ""}, "no targets given"),
    ({"OPERATION": "rollback", "TARGETS": "all", "TO_VERSION": "latest"}, "malformed version 'latest'"),
    ({"OPERATION": "prune", "DIGESTS": f"{D1},sha256:abc"}, "malformed digest 'sha256:abc'"),
    ({"OPERATION": "prune", "DIGESTS": " , "}, "no digests given"),
    ({"OPERATION": "prune", "DIGESTS": D1, "REQUEST_ID": "a b"}, "malformed request_id 'a b'"),
    ({"OPERATION": "prune", "DIGESTS": D1, "GITHUB_REF": "refs/heads/feature"}, "dispatch CD on main"),
]


@pytest.mark.parametrize(("env", "reason"), BAD, ids=[r.split("(")[0].strip() for _, r in BAD])
def test_bad_dispatch_fails_with_one_line_before_any_aws_call(run_offline, no_aws, env, reason):
    result = run_offline("validate-dispatch.sh", path_prefix=str(no_aws), **env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [line for line in result.stderr.splitlines() if line.startswith("::error::")]
    assert len(result.errors) == 1 and result.errors[0].startswith("::error::" + reason), result.errors
    assert result.outputs == {}
    assert not (no_aws.parent / "aws-calls.log").exists()


def test_cleanup_keeps_the_newest_releases_and_every_protected_image(registry):
    sha = lambda n: f"{n}" * 40  # noqa: E731
    t = 1_700_000_000
    images = {
        "v1": registry.push("v1", f"sha-{sha(1)}-runtime", "v1.0.0-runtime"),
        "build-old": registry.push("build-old", f"sha-{sha(2)}-runtime"),
        "v2": registry.push("v2", f"sha-{sha(3)}-runtime", "v2.0.0-runtime"),
        "v3": registry.push("v3", f"sha-{sha(4)}-runtime", "v3.0.0-runtime", "previous-runtime"),
        "v4": registry.push("v4", f"sha-{sha(5)}-runtime", "v4.0.0-runtime", "latest-runtime"),
        "build-new": registry.push("build-new", f"sha-{sha(6)}-runtime", "staging-runtime"),
        "build-newer": registry.push("build-newer", f"sha-{sha(7)}-runtime"),
        "old-protected": registry.push("old-protected", f"sha-{sha(8)}-minimal", "v0.1.0-minimal", "latest-minimal"),
        "minimal-old": registry.push("minimal-old", f"sha-{sha(9)}-minimal", "v0.0.1-minimal"),
        "minimal-new": registry.push("minimal-new", f"sha-{'a' * 40}-minimal", "v0.2.0-minimal"),
        "foreign": registry.push("foreign", "some-other-tag"),
    }
    order = ["old-protected", "minimal-old", "v1", "build-old", "v2", "v3", "minimal-new", "v4", "build-new", "build-newer", "foreign"]
    for i, name in enumerate(order):
        registry.set_pushed(images[name], t + 60 * i)
    doomed = {images["v1"], images["v2"], images["build-old"]}

    dry = registry.run("cleanup.sh", KEEP="2", DRY_RUN="true")
    assert dry.returncode == 0, dry.stderr
    assert {line.split()[2] for line in dry.stdout.splitlines() if line.startswith("would delete")} == doomed
    assert registry.digests() == set(images.values())

    result = registry.run("cleanup.sh", KEEP="2")
    assert result.returncode == 0, result.stderr
    assert registry.digests() == set(images.values()) - doomed
    assert result.outputs["deleted"] == "3"

    again = registry.run("cleanup.sh", KEEP="2")
    assert again.returncode == 0 and "0 image(s) to delete" in again.stdout


def test_cleanup_rejects_a_nonsense_keep_count(run_offline, no_aws):
    result = run_offline("cleanup.sh", path_prefix=str(no_aws), KEEP="0")
    assert result.returncode == 1
    assert result.errors == ["::error::KEEP must be a whole number from 1 to 9999, not '0'"]
