"""Structural checks over the parsed workflows: each one guards against a defect of the public
template this pattern is usually copied from (see issue 2)."""

from __future__ import annotations

import re

from .conftest import ROOT, TARGETS, WORKFLOWS

SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v?\d+\.\d+\.\d+\b")


def jobs(workflow: dict) -> dict[str, dict]:
    return workflow["jobs"]


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def all_steps(workflows):
    for name, workflow in workflows.items():
        for job_id, job in jobs(workflow).items():
            for step in steps(job):
                yield name, job_id, step


def test_the_four_workflows_exist(workflows):
    assert set(workflows) == {"ci.yml", "cd.yml", "security.yml", "notify.yml"}


def test_workflow_level_permissions_are_empty_and_every_job_declares_its_own(workflows):
    for name, workflow in workflows.items():
        assert workflow["permissions"] == {}, name
        for job_id, job in jobs(workflow).items():
            assert "permissions" in job, f"{name}:{job_id} inherits permissions"
            assert job["permissions"] != "write-all", f"{name}:{job_id}"


def test_write_permissions_only_where_needed(workflows):
    for name, workflow in workflows.items():
        for job_id, job in jobs(workflow).items():
            perms = job["permissions"] or {}
            uses_aws = any("configure-aws-credentials" in s.get("uses", "") for s in steps(job))
            assert (perms.get("id-token") == "write") == uses_aws, f"{name}:{job_id} id-token"
            if perms.get("contents") == "write":
                assert (name, job_id) == ("cd.yml", "release")
            if perms.get("issues") == "write":
                assert (name, job_id) == ("security.yml", "report")


def test_every_uses_is_pinned_to_a_full_sha_with_a_version_comment():
    count = 0
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", line)
            if not match:
                continue
            ref, rest = match.groups()
            if ref.startswith("$/"):  # this repository, at the running commit
                continue
            count += 1
            assert SHA_PIN.match(ref), f"{path.name}:{number} {ref} is not pinned to a commit SHA"
            assert VERSION_COMMENT.search(rest), f"{path.name}:{number} {ref} has no # vX.Y.Z comment"
    assert count > 30


def test_one_action_one_sha_one_version_everywhere():
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for match in re.finditer(r"uses:\s*([\w./-]+)@([0-9a-f]{40})\s*#\s*(\S+)", path.read_text()):
            action, sha, version = match.groups()
            assert seen.setdefault(action, (sha, version)) == (sha, version), f"{action} pinned two ways"


def test_no_expression_is_expanded_inside_a_shell_line(workflows):
    for name, job_id, step in all_steps(workflows):
        if "run" in step:
            assert "${{" not in step["run"], f"{name}:{job_id}:{step.get('name')} interpolates into shell"


def test_every_checkout_drops_its_credentials(workflows):
    checkouts = [(n, j, s) for n, j, s in all_steps(workflows) if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) > 10
    for name, job_id, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, f"{name}:{job_id}"


def test_no_secret_in_any_if_and_no_webhook_in_any_shell_line(workflows):
    for name, workflow in workflows.items():
        for job_id, job in jobs(workflow).items():
            assert "secrets." not in str(job.get("if", "")), f"{name}:{job_id}"
            for step in steps(job):
                assert "secrets." not in str(step.get("if", "")), f"{name}:{job_id}:{step.get('name')}"
                assert not re.search(r"\$\{?\w*WEBHOOK", step.get("run", "")), f"{name}:{job_id}:{step.get('name')}"


# --- CD ----------------------------------------------------------------------------------------


def test_cd_staging_acts_only_on_successful_push_runs_of_ci_on_main_from_this_repository(workflows):
    cd = workflows["cd.yml"]
    trigger = cd["on"]["workflow_run"]
    assert trigger == {"workflows": [workflows["ci.yml"]["name"]], "types": ["completed"], "branches": ["main"]}
    gate = " ".join(jobs(cd)["staging"]["if"].split())
    for condition in (
        "github.event_name == 'workflow_run'",
        "github.event.workflow_run.conclusion == 'success'",
        "github.event.workflow_run.event == 'push'",
        "github.event.workflow_run.head_branch == 'main'",
        "github.event.workflow_run.head_repository.full_name == github.repository",
    ):
        assert condition in gate
    assert "||" not in gate  # every condition must hold


def test_cd_staging_checks_out_and_tags_the_commit_ci_tested(workflows):
    staging = jobs(workflows["cd.yml"])["staging"]
    checkout = steps(staging)[0]
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    assert "github.sha" not in str(staging)  # the default branch head is not the tested commit
    for step in steps(staging):
        if "HEAD_SHA" in step.get("env", {}):
            assert step["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    download = next(s for s in steps(staging) if "download-artifact" in s.get("uses", ""))
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"


def test_cd_smoke_tests_run_on_the_pushed_digest(workflows):
    cd = jobs(workflows["cd.yml"])
    smoke = {job_id: s for job_id, job in cd.items() for s in steps(job) if s.get("run") == ".github/scripts/smoke.sh"}
    assert smoke["staging"]["env"]["IMAGE_REF"] == "${{ steps.push.outputs.image }}"
    assert smoke["production"]["env"]["IMAGE_REF"].endswith("@${{ steps.promote.outputs.digest }}")
    assert smoke["rollback"]["env"]["IMAGE_REF"].endswith("@${{ steps.rollback.outputs.to }}")


def test_cd_production_is_behind_the_environment_and_promotes_the_tagged_commit(workflows):
    cd = workflows["cd.yml"]
    assert cd["on"]["push"] == {"tags": ["v*"]}
    production = jobs(cd)["production"]
    assert production["environment"]["name"] == "production"
    assert "refs/tags/v" in production["if"]
    by_id = {s.get("id"): s for s in steps(production)}
    assert by_id["gate"]["run"] == ".github/scripts/staging-gate.sh"
    promote = by_id["promote"]
    assert promote["run"] == ".github/scripts/promote.sh"
    assert promote["env"]["HEAD_SHA"] == "${{ steps.commit.outputs.sha }}"
    assert promote["env"]["STAGED_DIGEST"] == "${{ steps.gate.outputs.digest }}"
    assert promote["env"]["VERSION"] == "${{ github.ref_name }}"
    assert not any("build-push-action" in s.get("uses", "") or "docker push" in s.get("run", "") for s in steps(production))


def test_cd_automatic_rollback_is_per_target(workflows):
    production = jobs(workflows["cd.yml"])["production"]
    assert production["strategy"]["matrix"]["target"] == list(TARGETS)
    assert production["strategy"]["fail-fast"] is False
    rollback = next(s for s in steps(production) if s.get("run") == ".github/scripts/rollback.sh")
    assert "steps.smoke.outcome == 'failure'" in rollback["if"]
    assert rollback["env"] == {"TARGETS": "${{ matrix.target }}"}  # this leg's target, its own previous-
    assert "outputs" not in production  # no matrix-wide output for a leg to overwrite


def test_cd_deploy_jobs_record_the_deployed_image_as_the_environment_url(workflows):
    # GitHub stores environment.url as the deployment status's environment_url: the console reads
    # which digest (so which target) each deployment shipped from it.
    cd = jobs(workflows["cd.yml"])
    writers = {"staging": {"stage": "stage.sh"},
               "production": {"autorollback": "rollback.sh", "promote": "promote.sh"},  # after a rollback, its image
               "rollback": {"rollback": "rollback.sh"}}
    for job_id, scripts in writers.items():
        job = cd[job_id]
        outputs = " || ".join(f"steps.{step_id}.outputs.image_url" for step_id in scripts)
        assert job["environment"]["url"] == "${{ " + outputs + " }}", job_id
        by_id = {s.get("id"): s for s in steps(job)}
        for step_id, script in scripts.items():
            assert by_id[step_id]["run"] == f".github/scripts/{script}", (job_id, step_id)


def test_cd_jobs_that_touch_production_need_the_environment_and_queue(workflows):
    cd = jobs(workflows["cd.yml"])
    for job_id in ("production", "cleanup", "rollback", "prune"):
        job = cd[job_id]
        assert job["environment"]["name"] == "production", job_id
        assert job["concurrency"] == {"group": "cd-production", "cancel-in-progress": False, "queue": "max"}, job_id
    assert cd["staging"]["concurrency"]["cancel-in-progress"] is False
    assert workflows["cd.yml"]["concurrency"]["cancel-in-progress"] is False


def test_cd_dispatch_inputs_are_the_documented_contract(workflows):
    cd = workflows["cd.yml"]
    inputs = cd["on"]["workflow_dispatch"]["inputs"]
    assert list(inputs) == ["operation", "targets", "to_version", "digests", "request_id", "reason"]
    assert inputs["operation"]["type"] == "choice" and inputs["operation"]["options"] == ["rollback", "prune"]
    assert all(inputs[name]["type"] == "string" for name in list(inputs)[1:])
    assert "[{2}]" in cd["run-name"] and "inputs.request_id" in cd["run-name"]
    names = {job_id: job["name"] for job_id, job in jobs(cd).items()}
    assert names["rollback"] == "rollback (${{ matrix.target }})"
    assert names["prune"] == "prune" and names["verify"] == "verify"


def test_cd_dispatch_is_validated_before_any_job_gets_aws_credentials(workflows):
    cd = jobs(workflows["cd.yml"])
    validate = cd["validate"]
    assert "environment" not in validate and "id-token" not in validate["permissions"]
    check = next(s for s in steps(validate) if s.get("id") == "check")
    assert check["run"] == ".github/scripts/validate-dispatch.sh"
    assert set(check["env"]) == {"OPERATION", "TARGETS", "TO_VERSION", "DIGESTS", "REQUEST_ID", "REASON"}
    for job_id in ("rollback", "prune"):
        assert cd[job_id]["needs"] == ["validate"]
    assert cd["rollback"]["strategy"]["matrix"]["target"] == "${{ fromJSON(needs.validate.outputs.targets) }}"
    prune = next(s for s in steps(cd["prune"]) if s.get("run") == ".github/scripts/prune.sh")
    assert prune["env"]["DIGESTS"] == "${{ needs.validate.outputs.digests }}"


def test_cd_release_notes_and_cleanup_follow_a_successful_production(workflows):
    cd = jobs(workflows["cd.yml"])
    for job_id, script in (("release", "release-notes.sh"), ("cleanup", "cleanup.sh")):
        assert cd[job_id]["needs"] == ["production"]
        assert "needs.production.result == 'success'" in cd[job_id]["if"]
        assert any(s.get("run") == f".github/scripts/{script}" for s in steps(cd[job_id]))


def test_cd_notifies_through_the_reusable_workflow_with_explicit_secrets(workflows):
    notify = jobs(workflows["cd.yml"])["notify"]
    assert notify["uses"] == "$/.github/workflows/notify.yml"
    assert notify["secrets"] == {
        "SLACK_WEBHOOK_URL": "${{ secrets.SLACK_WEBHOOK_URL }}",
        "DISCORD_WEBHOOK_URL": "${{ secrets.DISCORD_WEBHOOK_URL }}",
    }
    assert set(notify["needs"]) >= {"staging", "production", "verify"}


def test_deploy_targets_match_the_dockerfile_and_every_matrix(workflows):
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE | re.IGNORECASE)
    assert set(TARGETS) <= set(stages)
    cd = workflows["cd.yml"]
    assert cd["env"]["DEPLOY_TARGETS"] == ",".join(TARGETS)
    for workflow, job_id in (("ci.yml", "build"), ("ci.yml", "test-image"), ("cd.yml", "staging"), ("cd.yml", "production")):
        assert jobs(workflows[workflow])[job_id]["strategy"]["matrix"]["target"] == list(TARGETS), job_id


# --- CI ----------------------------------------------------------------------------------------


def test_ci_gates_run_in_parallel_then_build_then_test_the_artifact(workflows):
    ci = jobs(workflows["ci.yml"])
    gates = {"lint", "test", "workflows", "security"}
    for gate in gates:
        assert "needs" not in ci[gate]
    assert set(ci["build"]["needs"]) == gates
    build_steps = steps(ci["build"])
    assert any(s.get("with", {}).get("target") == "${{ matrix.target }}" for s in build_steps)
    upload = next(s for s in build_steps if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == "image-${{ matrix.target }}"
    test_image = steps(ci["test-image"])
    assert any("download-artifact" in s.get("uses", "") for s in test_image)
    assert any(s.get("run") == ".github/scripts/smoke.sh" for s in test_image)
    assert ci["summary"]["if"] == "${{ always() }}"
    assert set(ci["summary"]["needs"]) == set(ci) - {"summary"}


# --- Security ----------------------------------------------------------------------------------


def test_security_scans_on_schedule_and_on_demand_with_pinned_tools(workflows):
    security = workflows["security.yml"]
    assert "schedule" in security["on"] and "workflow_dispatch" in security["on"]
    text = (WORKFLOWS / "security.yml").read_text()
    for action in ("aquasecurity/trivy-action", "trufflesecurity/trufflehog", "anchore/scan-action",
                   "bridgecrewio/checkov-action", "anchore/sbom-action"):
        assert action + "@" in text
    env = security["env"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", env["TRIVY_VERSION"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", env["TRUFFLEHOG_VERSION"])
    assert re.fullmatch(r"v\d+\.\d+\.\d+", env["GRYPE_VERSION"])
    assert re.fullmatch(r"v\d+\.\d+\.\d+", env["SYFT_VERSION"])
    for name, job_id, step in all_steps(workflows):
        uses = step.get("uses", "")
        if "trivy-action" in uses:
            assert step["with"]["version"] in ("${{ env.TRIVY_VERSION }}", "v0.70.0"), f"{name}:{job_id}"
        if "trufflehog" in uses:
            assert step["with"]["version"] == "${{ env.TRUFFLEHOG_VERSION }}"
        if "scan-action" in uses:
            assert step["with"]["grype-version"] == "${{ env.GRYPE_VERSION }}"
        if "sbom-action" in uses:
            assert step["with"]["syft-version"] == "${{ env.SYFT_VERSION }}"
            assert step["with"]["format"] == "spdx-json"
    report = jobs(security)["report"]
    assert report["if"] == "${{ always() }}"
    assert set(report["needs"]) == {"secrets", "vulnerabilities", "iac", "sbom"}
    assert any(s.get("run") == ".github/scripts/security-issue.sh" for s in steps(report))


# --- Notify ------------------------------------------------------------------------------------


def test_notify_is_reusable_with_optional_channels_and_current_slack_inputs(workflows):
    notify = workflows["notify.yml"]
    call = notify["on"]["workflow_call"]
    assert call["secrets"] == {"SLACK_WEBHOOK_URL": {"required": False}, "DISCORD_WEBHOOK_URL": {"required": False}}
    job = jobs(notify)["notify"]
    assert job["env"] == {
        "HAS_SLACK": "${{ secrets.SLACK_WEBHOOK_URL != '' }}",
        "HAS_DISCORD": "${{ secrets.DISCORD_WEBHOOK_URL != '' }}",
    }
    slack = next(s for s in steps(job) if "slack-github-action" in s.get("uses", ""))
    assert slack["if"] == "${{ env.HAS_SLACK == 'true' }}"
    assert slack["with"]["webhook-type"] == "incoming-webhook"
    assert slack["with"]["webhook"] == "${{ secrets.SLACK_WEBHOOK_URL }}"
    assert "env" not in slack  # the retired SLACK_WEBHOOK_URL/SLACK_WEBHOOK_TYPE env inputs
    discord = next(s for s in steps(job) if s.get("name") == "Discord")
    assert discord["run"] == ".github/scripts/notify-discord.sh"
    assert discord["env"]["DISCORD_WEBHOOK_URL"] == "${{ secrets.DISCORD_WEBHOOK_URL }}"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_targets_run_the_console_as_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim@sha256:[0-9a-f]{64}$", text, re.MULTILINE)
    for target in TARGETS:
        stage = text.split(f" AS {target}\n", 1)[1].split("\nFROM ", 1)[0]
        assert re.search(r"^USER 10001", stage, re.MULTILINE), target
        assert 'ENTRYPOINT ["ghaecr-console"]' in stage, target


def test_dockerignore_sends_only_the_package_sources_to_the_build():
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "*"
    assert {line for line in lines if line.startswith("!")} == {"!pyproject.toml", "!README.md", "!console/"}
