"""Structural checks over the parsed workflows: each one guards against a defect of the public
template this pattern is usually copied from (see issue 2)."""

from __future__ import annotations

import re

from tests.workflows.helpers import ROOT, TARGETS, WORKFLOWS

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
    assert smoke["production"]["env"]["IMAGE_REF"] == "${{ steps.promote.outputs.image }}"
    assert smoke["rollback"]["env"]["IMAGE_REF"] == "${{ steps.rollback.outputs.image }}"


def test_cd_staging_scans_and_attests_the_pushed_digest_before_staging_moves(workflows):
    staging = steps(jobs(workflows["cd.yml"])["staging"])
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in staging]
    scan = next(s for s in staging if "trivy-action" in s.get("uses", ""))
    assert scan["with"]["image-ref"] == "${{ steps.push.outputs.image }}"  # registry@sha256:… just pushed
    assert scan["with"]["severity"] == "HIGH,CRITICAL" and scan["with"]["ignore-unfixed"] is True
    assert scan["with"]["exit-code"] == "1"
    assert (ROOT / scan["with"]["trivyignores"]).is_file()
    attest = next(s for s in staging if "attest-build-provenance" in s.get("uses", ""))
    assert attest["with"]["subject-digest"] == "${{ steps.push.outputs.digest }}"
    assert jobs(workflows["cd.yml"])["staging"]["permissions"]["attestations"] == "write"
    assert order.index(".github/scripts/push-build.sh") < order.index("aquasecurity/trivy-action")
    assert order.index("aquasecurity/trivy-action") < order.index(".github/scripts/stage.sh")
    assert order.index("actions/attest-build-provenance") < order.index(".github/scripts/stage.sh")


def production_jobs(cd: dict) -> dict[str, dict]:
    return {job_id: job for job_id, job in jobs(cd).items() if (job.get("environment") or {}).get("name") == "production"}


def test_every_production_job_on_a_tag_needs_the_preflight_and_none_needs_another(workflows):
    cd = workflows["cd.yml"]
    assert cd["on"]["push"] == {"tags": ["v[0-9]*"]}
    prod = production_jobs(cd)
    assert set(prod) == {"production", "rollback"}
    on_tag = {job_id: job for job_id, job in prod.items() if "github.event_name == 'push'" in job["if"]}
    assert set(on_tag) == {"production"}
    for job_id, job in on_tag.items():
        assert "preflight" in job["needs"], job_id
        assert "needs.preflight.outputs.promote == 'true'" in job["if"], job_id
    for job_id, job in prod.items():
        needs = job.get("needs", [])
        assert not set([needs] if isinstance(needs, str) else needs) & set(prod), f"{job_id} needs a production job"


def test_the_preflight_asks_for_no_review_and_checks_every_target_and_the_version(workflows):
    preflight = jobs(workflows["cd.yml"])["preflight"]
    assert "environment" not in preflight and "concurrency" not in preflight
    by_id = {s.get("id"): s for s in steps(preflight)}
    assert by_id["gate"]["run"] == ".github/scripts/staging-gate.sh"
    assert by_id["gate"]["env"]["TARGETS"] == "all"
    assert by_id["order"]["run"] == ".github/scripts/release-order.sh"
    assert by_id["order"]["env"]["STAGED_DIGESTS"] == "${{ steps.gate.outputs.digests }}"
    assert preflight["outputs"]["promote"] == "${{ steps.order.outputs.promote }}"


def test_cd_production_promotes_the_digests_the_preflight_checked(workflows):
    production = jobs(workflows["cd.yml"])["production"]
    assert production["environment"]["name"] == "production"
    promote = next(s for s in steps(production) if s.get("id") == "promote")
    assert promote["run"] == ".github/scripts/promote.sh"
    assert promote["env"]["HEAD_SHA"] == "${{ needs.preflight.outputs.commit }}"
    assert promote["env"]["STAGED_DIGESTS"] == "${{ needs.preflight.outputs.digests }}"
    assert promote["env"]["VERSION"] == "${{ github.ref_name }}"
    assert not any("build-push-action" in s.get("uses", "") or "docker push" in s.get("run", "") for s in steps(production))
    upload = next(s for s in steps(production) if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["overwrite"] is True  # a re-run replaces its fragment instead of failing (409)


def test_cd_automatic_rollback_is_per_target_and_never_undoes_a_no_op(workflows):
    production = jobs(workflows["cd.yml"])["production"]
    assert production["strategy"]["matrix"]["target"] == list(TARGETS)
    assert production["strategy"]["fail-fast"] is False
    rollback = next(s for s in steps(production) if s.get("run") == ".github/scripts/rollback.sh")
    assert "steps.smoke.outcome == 'failure'" in rollback["if"]
    assert "steps.promote.outputs.moved == 'true'" in rollback["if"]  # same digest as before: nothing to undo
    assert rollback["env"]["TARGETS"] == "${{ matrix.target }}"  # this leg's target, its own previous-
    assert "smoke test" in rollback["env"]["REASON"]
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


def test_the_production_lock_is_taken_by_work_never_by_a_job_waiting_for_review(workflows):
    cd = jobs(workflows["cd.yml"])
    locked = {job_id for job_id, job in cd.items() if (job.get("concurrency") or {}).get("group") == "cd-production"}
    assert locked == {"cleanup", "prune"}
    for job_id in locked:
        assert cd[job_id]["environment"] == {"name": "cleanup", "deployment": False}, job_id
        assert cd[job_id]["concurrency"] == {"group": "cd-production", "cancel-in-progress": False, "queue": "max"}
    # Reviewed jobs: a release queues only behind releases of its target; a rollback behind nothing.
    assert cd["production"]["concurrency"]["group"] == "cd-release-${{ matrix.target }}"
    assert "concurrency" not in cd["rollback"]
    assert cd["staging"]["concurrency"]["cancel-in-progress"] is False
    top = workflows["cd.yml"]["concurrency"]
    assert top["cancel-in-progress"] is False
    assert "inputs.request_id || github.run_id" in top["group"]  # hand dispatches do not share one group


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


def test_cd_notifies_through_the_reusable_workflow_without_waiting_for_cleanup(workflows):
    cd = jobs(workflows["cd.yml"])
    notify = cd["notify"]
    assert notify["uses"] == "$/.github/workflows/notify.yml"
    assert notify["secrets"] == {
        "SLACK_WEBHOOK_URL": "${{ secrets.SLACK_WEBHOOK_URL }}",
        "DISCORD_WEBHOOK_URL": "${{ secrets.DISCORD_WEBHOOK_URL }}",
    }
    assert set(notify["needs"]) >= {"staging", "preflight", "production", "verify"}
    assert "cleanup" not in notify["needs"]
    waiting = cd["awaiting-approval"]
    assert waiting["needs"] == ["preflight"] and waiting["uses"] == notify["uses"]
    assert "ghaecr-console approve {0}" in waiting["with"]["details"] and "github.run_id" in waiting["with"]["details"]


def test_every_artifact_upload_overwrites_so_a_re_run_does_not_fail(workflows):
    uploads = [(n, j, s) for n, j, s in all_steps(workflows) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(uploads) >= 5
    for name, job_id, step in uploads:
        assert step["with"].get("overwrite") is True, f"{name}:{job_id}"


def test_every_script_a_workflow_runs_exists(workflows):
    for name, job_id, step in all_steps(workflows):
        run = step.get("run", "")
        if run.startswith(".github/scripts/"):
            assert (ROOT / run).is_file(), f"{name}:{job_id} runs a missing {run}"


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
    assert set(report["needs"]) == {"released", "secrets", "vulnerabilities", "iac", "sbom"}
    assert any(s.get("run") == ".github/scripts/security-issue.sh" for s in steps(report))


def test_the_weekly_scan_reads_the_digests_production_runs_instead_of_building(workflows):
    security = jobs(workflows["security.yml"])
    text = (WORKFLOWS / "security.yml").read_text()
    assert "build-push-action" not in text and "docker-archive:" not in text
    listing = next(s for s in steps(security["released"]) if s.get("id") == "list")
    assert listing["run"] == ".github/scripts/released-images.sh"
    for job_id in ("vulnerabilities", "sbom"):
        assert security[job_id]["needs"] == ["released"]
        assert security[job_id]["strategy"]["matrix"]["include"] == "${{ fromJSON(needs.released.outputs.images) }}"
    scanners = [s for s in steps(security["vulnerabilities"]) + steps(security["sbom"])
                if any(a in s.get("uses", "") for a in ("trivy-action", "scan-action", "sbom-action"))]
    assert len(scanners) == 3
    for step in scanners:
        assert "${{ matrix.image }}" in (step["with"].get("image-ref"), step["with"].get("image"))


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
    assert slack["with"]["errors"] is True  # otherwise a failed post is swallowed
    assert "env" not in slack  # the retired SLACK_WEBHOOK_URL/SLACK_WEBHOOK_TYPE env inputs
    discord = next(s for s in steps(job) if s.get("name") == "Discord")
    assert discord["run"] == ".github/scripts/notify-discord.sh"
    assert discord["env"]["DISCORD_WEBHOOK_URL"] == "${{ secrets.DISCORD_WEBHOOK_URL }}"


# --- Dockerfile ---------------------------------------------------------------------------------


def test_every_from_line_is_a_literal_digest_or_an_earlier_stage():
    """Dependabot updates only a literal `FROM image@sha256:…` (it does not follow ARGs)."""
    text = (ROOT / "Dockerfile").read_text()
    stages: list[str] = []
    froms = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$", text, re.MULTILINE | re.IGNORECASE)
    assert len(froms) == len(re.findall(r"^FROM\s", text, re.MULTILINE | re.IGNORECASE)) >= 4
    for image, name in froms:
        assert image in stages or re.fullmatch(r"[a-z0-9./_-]+:[\w.-]+@sha256:[0-9a-f]{64}", image), image
        stages.append(name)
    assert not re.search(r"^ARG\s", text, re.MULTILINE | re.IGNORECASE)  # no build argument can swap the base image


def test_the_images_python_dependencies_come_from_hash_pinned_locks():
    import tomllib

    text = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {"minimal": project["dependencies"], "runtime": project["dependencies"] + project["optional-dependencies"]["sandbox"]}
    for target, requirements in wanted.items():
        lock = (ROOT / "requirements" / target / "requirements.txt").read_text().splitlines()
        pins = {line.split("==")[0] for line in lock if line and not line.startswith("#")}
        for line in lock:
            if line and not line.startswith("#"):
                assert re.fullmatch(r"[a-z0-9._-]+==\S+ --hash=sha256:[0-9a-f]{64}", line), line
        for requirement in requirements:
            name = re.split(r"[\[<>=!~ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
            assert name in pins, f"{name} is not in requirements/{target}/requirements.txt: run requirements/lock.py"
        stage = text.split(f" AS {target}\n", 1)[1].split("\nFROM ", 1)[0]
        assert f"--require-hashes --no-deps --requirement /tmp/{target}.txt" in stage, target
        assert "pip install --no-deps /wheels/*.whl" in stage, target


def test_dockerfile_targets_run_the_console_as_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    for target in TARGETS:
        stage = text.split(f" AS {target}\n", 1)[1].split("\nFROM ", 1)[0]
        assert re.search(r"^USER 10001", stage, re.MULTILINE), target
        assert 'ENTRYPOINT ["ghaecr-console"]' in stage, target


def test_dockerignore_sends_only_the_package_sources_to_the_build():
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[0] == "*"
    assert {line for line in lines if line.startswith("!")} == {"!pyproject.toml", "!README.md", "!console/",
                                                                "!requirements/*/requirements.txt"}
