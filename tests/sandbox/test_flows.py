"""The simulator behaves like the bundled workflows: what moves in ECR, and what the runs say."""

from __future__ import annotations

from console.model.environments import digest_in_url
from tests.sandbox.helpers import dispatch, job_log, review, settle_seeded_release, tag_map

TARGETS = ("minimal", "runtime")


def deployed_digests(gh, sb, environment: str, count: int = 2) -> set[str | None]:
    """The digests the newest deployments of an environment name in their environment url."""
    newest = gh.get(f"/repos/{sb.repo}/deployments", params={"environment": environment, "per_page": count}).json()
    return {digest_in_url(gh.get(f"/repos/{sb.repo}/deployments/{d['id']}/statuses").json()[0]["environment_url"])
            for d in newest}


def test_push_to_main_builds_and_moves_staging(sandbox, gh):
    before = tag_map(sandbox)
    sha = sandbox.push_main("Add gift cards")
    sandbox.wait_idle()
    ci, = [r for r in sandbox.runs_for(sha) if r.workflow == "ci.yml"]
    cd, = [r for r in sandbox.runs_for(sha) if r.workflow == "cd.yml"]
    assert (ci.conclusion, cd.conclusion, cd.event) == ("success", "success", "workflow_run")
    assert [j.name for j in ci.jobs] == [
        "Lint (imports, bytecode)", "Tests", "Workflow checks (zizmor, schema, shellcheck, hadolint, scripts on a local ECR)",
        "Security scan (secrets, dependencies)", "Build (minimal)", "Build (runtime)", "Test image (minimal)",
        "Test image (runtime)", "CI summary"]
    assert cd.display_title == "Staging Add gift cards"
    after = tag_map(sandbox)
    for t in TARGETS:
        assert after[f"staging-{t}"] == after[f"sha-{sha}-{t}"] != before[f"staging-{t}"]
        assert after[f"latest-{t}"] == before[f"latest-{t}"]
    newest = gh.get(f"/repos/{sandbox.repo}/deployments", params={"environment": "staging", "per_page": 2}).json()
    assert [d["sha"] for d in newest] == [sha, sha]  # one per Staging (<target>) job
    states = {gh.get(f"/repos/{sandbox.repo}/deployments/{d['id']}/statuses").json()[0]["state"] for d in newest}
    assert "success" in states <= {"success", "inactive"}  # the later success makes the earlier inactive


def test_failed_ci_stops_before_cd_and_logs_the_failing_step(sandbox, gh):
    before = tag_map(sandbox)
    sha = sandbox.push_main("Break the cart", ci_fails=True)
    sandbox.wait_idle()
    runs = sandbox.runs_for(sha)
    assert [(r.workflow, r.conclusion) for r in runs] == [("ci.yml", "failure")]
    log = job_log(gh, sandbox, runs[0].id, "Tests")
    assert "##[group]Run Test (everything but the workflow checks)" in log
    assert "AssertionError" in log and "##[error]" in log
    assert {j.name: j.conclusion for j in runs[0].jobs}["Build (minimal)"] == "skipped"
    assert tag_map(sandbox) == before


def test_the_ci_summary_follows_its_gates_live_and_in_the_seeded_history(sandbox, gh):
    sha = sandbox.push_main("Break the cart", ci_fails=True)
    sandbox.wait_idle()
    seeded = [r for r in sandbox.state.runs.values() if r.workflow == "ci.yml" and r.conclusion == "failure"]
    assert seeded, "the seed holds a failed CI run"
    for run in [*sandbox.runs_for(sha), *seeded]:
        jobs = {j.name: j.conclusion for j in run.jobs}
        assert (jobs["Tests"], jobs["CI summary"]) == ("failure", "failure"), run.id
    log = job_log(gh, sandbox, sandbox.runs_for(sha)[0].id, "CI summary")
    assert "| test | failure |" in log and "CI failed: test" in log


def test_approving_the_seeded_release_promotes_each_target_by_digest(sandbox, gh):
    before = tag_map(sandbox)
    run_id = sandbox.pending_run_id
    release_sha = sandbox.run(run_id).head_sha
    assert review(gh, sandbox, run_id, "approved").status_code == 200
    run = sandbox.wait_run(run_id)
    assert run.conclusion == "success"
    after = tag_map(sandbox)
    for t in TARGETS:
        staged = before[f"sha-{release_sha}-{t}"]
        assert after[f"latest-{t}"] == after[f"v1.5.0-{t}"] == staged
        assert after[f"previous-{t}"] == before[f"latest-{t}"]
    assert after["latest-minimal"] != after["latest-runtime"]  # never one target's digest on another
    production = gh.get(f"/repos/{sandbox.repo}/deployments", params={"environment": "production"}).json()[:2]
    assert [d["ref"] for d in production] == ["v1.5.0", "v1.5.0"]  # one per Production (<target>) job
    assert deployed_digests(gh, sandbox, "production") == {after["latest-minimal"], after["latest-runtime"]}
    assert run.display_title == "Production v1.5.0"
    assert gh.get(f"/repos/{sandbox.repo}/actions/runs/{run_id}/pending_deployments").json() == []


def test_rejecting_moves_nothing_and_fails_the_run(sandbox, gh):
    before = tag_map(sandbox)
    assert review(gh, sandbox, sandbox.pending_run_id, "rejected", "not today").status_code == 200
    run = sandbox.wait_run(sandbox.pending_run_id)
    assert run.conclusion == "failure"
    assert tag_map(sandbox) == before
    again = review(gh, sandbox, sandbox.pending_run_id, "approved")
    assert again.status_code == 422 and "No pending deployment" in again.json()["message"]


def test_new_tag_waits_then_smoke_failure_rolls_back_automatically(sandbox, gh):
    settle_seeded_release(gh, sandbox)
    sha = sandbox.push_main("Risky change")
    sandbox.wait_idle()
    before = tag_map(sandbox)
    run_id = sandbox.push_tag("v1.6.0", smoke_fails=True)
    run = sandbox.wait_run(run_id, "waiting")
    assert (run.head_branch, run.head_sha, run.event) == ("v1.6.0", sha, "push")
    pending = gh.get(f"/repos/{sandbox.repo}/actions/runs/{run_id}/pending_deployments").json()
    assert pending[0]["environment"]["name"] == "production" and pending[0]["current_user_can_approve"]
    review(gh, sandbox, run_id, "approved")
    run = sandbox.wait_run(run_id)
    assert run.conclusion == "failure"
    after = tag_map(sandbox)
    for t in TARGETS:
        assert after[f"v1.6.0-{t}"] == before[f"sha-{sha}-{t}"]  # the release happened ...
        assert after[f"latest-{t}"] == before[f"latest-{t}"]  # ... and was rolled back
    log = job_log(gh, sandbox, run_id, "Production (minimal)")
    assert "Smoke test failed" in log and "##[group]Run Roll this target back to previous-<target>" in log
    # Like cd.yml's url after an automatic rollback: what each target runs again, not the failed release.
    assert deployed_digests(gh, sandbox, "production") == {before["latest-minimal"], before["latest-runtime"]}
    assert {j.name: j.conclusion for j in run.jobs}["Cleanup old images"] == "skipped"


def test_dispatched_rollback_of_one_target_then_to_a_chosen_version(sandbox, gh):
    before = tag_map(sandbox)
    run_id = dispatch(gh, sandbox, operation="rollback", targets="minimal", request_id="gc-1", reason="incident")
    run = sandbox.wait_run(run_id)
    assert run.conclusion == "success" and "[gc-1]" in run.display_title
    after = tag_map(sandbox)
    assert after["latest-minimal"] == before["previous-minimal"]
    assert after["latest-runtime"] == before["latest-runtime"]
    assert deployed_digests(gh, sandbox, "production", 1) == {after["latest-minimal"]}  # rollback (minimal)
    run_id = dispatch(gh, sandbox, operation="rollback", targets="all", to_version="v1.2.0", request_id="gc-2")
    assert sandbox.wait_run(run_id).conclusion == "success"
    final = tag_map(sandbox)
    for t in TARGETS:
        assert final[f"latest-{t}"] == before[f"v1.2.0-{t}"]
    # cd.yml's graph on a dispatch (the jobs of other events are listed too, skipped, as on GitHub).
    assert [j.name for j in sandbox.run(run_id).jobs if j.conclusion != "skipped"] == [
        "validate", "rollback (minimal)", "rollback (runtime)", "verify", "Notify / Slack / Discord"]


def test_failed_rollback_says_why_and_changes_nothing(sandbox, gh):
    before = tag_map(sandbox)
    run_id = dispatch(gh, sandbox, operation="rollback", targets="minimal", to_version="v0.0.9", request_id="gc-3")
    assert sandbox.wait_run(run_id).conclusion == "failure"
    assert "v0.0.9-minimal does not exist" in job_log(gh, sandbox, run_id, "rollback (minimal)")
    assert "rollback failed: rollback (minimal)" in job_log(gh, sandbox, run_id, "verify")
    assert tag_map(sandbox) == before


def test_bad_inputs_fail_at_validate(sandbox, gh):
    before = tag_map(sandbox)
    for inputs, message in (
        ({"operation": "rollback", "targets": "nonesuch"}, "Unknown target 'nonesuch'"),
        ({"operation": "prune", "digests": "sha256:abc"}, "Malformed digest 'sha256:abc'"),
    ):
        run_id = dispatch(gh, sandbox, request_id="gc-v", **inputs)
        run = sandbox.wait_run(run_id)
        assert run.conclusion == "failure"
        assert message in job_log(gh, sandbox, run_id, "validate")
        conclusions = {j.name: j.conclusion for j in run.jobs}
        assert {c for name, c in conclusions.items() if name.startswith(("rollback", "prune"))} == {"skipped"}
        assert conclusions["verify"] == "failure"
    assert tag_map(sandbox) == before


def test_dispatched_prune_deletes_only_unprotected_digests(sandbox, gh):
    details = sandbox.ecr_client().describe_images(repositoryName=sandbox.ecr_repository)["imageDetails"]
    old_builds = sorted((d for d in details if len(d["imageTags"]) == 1), key=lambda d: d["imagePushedAt"])[:3]
    doomed = [d["imageDigest"] for d in old_builds]
    protected = tag_map(sandbox)["latest-runtime"]
    run_id = dispatch(gh, sandbox, operation="prune", digests=",".join(doomed + [protected]), request_id="gc-p")
    assert sandbox.wait_run(run_id).conclusion == "success"
    remaining = set(tag_map(sandbox).values())
    assert not remaining & set(doomed)
    assert protected in remaining
    assert "carries latest-runtime" in job_log(gh, sandbox, run_id, "prune")


def test_activity_keeps_pushing_to_main(sandbox_factory):
    sb = sandbox_factory(activity_s=120, speed=2000)
    first = sb.state.commits[-1].sha
    sb.wait_run(sb.runs_for(first)[-1].id)
    import time

    deadline = time.monotonic() + 5
    while sb.state.commits[-1].sha == first and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sb.state.commits[-1].sha != first


def test_reviewers_and_wait_timer_come_from_the_environment(sandbox, gh):
    production = sandbox.state.environments["production"]
    production.reviewers.remove("octo-operator")
    pending = gh.get(f"/repos/{sandbox.repo}/actions/runs/{sandbox.pending_run_id}/pending_deployments").json()
    assert pending[0]["current_user_can_approve"] is False
    refused = review(gh, sandbox, sandbox.pending_run_id, "approved")
    assert refused.status_code == 422 and "not a required reviewer" in refused.json()["message"]
    production.reviewers.append("octo-operator")
    settle_seeded_release(gh, sandbox)
    production.wait_timer = 5
    env = gh.get(f"/repos/{sandbox.repo}/environments/production").json()
    assert {"type": "wait_timer", "wait_timer": 5} in [{k: r[k] for k in ("type", "wait_timer")} for r in
                                                         env["protection_rules"] if r["type"] == "wait_timer"]
    run_id = sandbox.push_tag("v1.6.0")
    sandbox.wait_run(run_id, "waiting")
    review(gh, sandbox, run_id, "approved")
    run = sandbox.wait_run(run_id)
    production_job = next(j for j in run.jobs if j.name == "Production (minimal)")
    assert (production_job.steps[0].started_at - run.wait_started_at).total_seconds() >= 5 * 60
