"""The sandbox runs cd.yml's own job graph: approvals per release, their order, and what waits for
what are the workflow file's (jobs, needs, if, environment, concurrency), not a restatement."""

from __future__ import annotations

import pytest

from tests.sandbox.helpers import dispatch, review, settle_seeded_release, tag_map

TARGETS = ("minimal", "runtime")


def reviews_asked(sb, run_id: int) -> list[str]:
    """The environments the run asked a review for, in order."""
    return [env for rid, env in sb.simulator.review_requests if rid == run_id]


def eventually(check, what: str, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


def wait_for_review(sb, run_id: int, environment: str) -> None:
    eventually(lambda: environment in sb.run(run_id).pending, f"run {run_id} asks for a {environment} review")


def conclusions(sb, run_id: int) -> dict[str, str | None]:
    return {j.name: j.conclusion for j in sb.run(run_id).jobs}


def test_a_release_tag_needs_exactly_one_approval(sandbox, gh):
    settle_seeded_release(gh, sandbox, "approved")
    assert reviews_asked(sandbox, sandbox.pending_run_id) == ["production"]
    sha = sandbox.push_main("Next change")
    sandbox.wait_idle()
    before = tag_map(sandbox)
    run_id = sandbox.push_tag("v1.6.0")
    run = sandbox.wait_run(run_id, "waiting")
    # The preflight ran before anyone was asked; both legs wait on ONE pending production review.
    assert conclusions(sandbox, run_id)["Preflight"] == "success"
    pending = gh.get(f"/repos/{sandbox.repo}/actions/runs/{run_id}/pending_deployments").json()
    assert [p["environment"]["name"] for p in pending] == ["production"]
    assert {j.name for j in run.jobs if j.status == "waiting"} == {"Production (minimal)", "Production (runtime)"}

    review(gh, sandbox, run_id, "approved")

    run = sandbox.wait_run(run_id)
    assert run.conclusion == "success" and reviews_asked(sandbox, run_id) == ["production"]
    done = conclusions(sandbox, run_id)
    assert {done[n] for n in ("Production (minimal)", "Production (runtime)", "Release notes", "Cleanup old images")} == {"success"}
    after = tag_map(sandbox)
    assert all(after[f"latest-{t}"] == after[f"v1.6.0-{t}"] == before[f"sha-{sha}-{t}"] for t in TARGETS)


def test_a_tag_without_staging_fails_its_preflight_before_any_review(sandbox, gh):
    settle_seeded_release(gh, sandbox)
    sandbox.push_main("Broken change", ci_fails=True)  # CI fails: staging never tests this commit
    sandbox.wait_idle()
    before = tag_map(sandbox)
    run_id = sandbox.push_tag("v1.6.0")
    run = sandbox.wait_run(run_id)
    assert run.conclusion == "failure" and reviews_asked(sandbox, run_id) == []
    done = conclusions(sandbox, run_id)
    assert done["Preflight"] == "failure" and done["Production (${{ matrix.target }})"] == "skipped"
    assert tag_map(sandbox) == before


def test_an_older_version_is_refused_before_any_review(sandbox, gh):
    settle_seeded_release(gh, sandbox, "approved")  # production runs v1.5.0
    sandbox.push_main("Backport")
    sandbox.wait_idle()
    before = tag_map(sandbox)
    run_id = sandbox.push_tag("v1.4.1")
    run = sandbox.wait_run(run_id)
    assert run.conclusion == "failure" and reviews_asked(sandbox, run_id) == []
    log = "\n".join(line for j in run.jobs if j.name == "Preflight" for s in j.steps for line in s.output)
    assert "Refusing to promote v1.4.1" in log and "production runs v1.5.0" in log
    assert tag_map(sandbox) == before


@pytest.fixture
def protected(sandbox_factory):
    """Dispatched operations wait for their environments' reviews, and someone put reviewers on
    the cleanup environment too: its jobs (cleanup, prune) then wait, holding cd-production."""
    sb = sandbox_factory(gate_dispatch=True)
    sb.state.environments["cleanup"].reviewers.append(sb.user)
    return sb


@pytest.fixture
def gh_protected(protected):
    import httpx

    with httpx.Client(base_url=protected.github_url, headers={"Authorization": f"Bearer {protected.token}"},
                      follow_redirects=True, timeout=10) as client:
        yield client


def test_an_emergency_rollback_is_not_blocked_by_unanswered_cleanup_or_prune_reviews(protected, gh_protected):
    sb, gh = protected, gh_protected
    before = tag_map(sb)
    settle_release = review(gh, sb, sb.pending_run_id, "approved")
    assert settle_release.status_code == 200
    wait_for_review(sb, sb.pending_run_id, "cleanup")
    release = sb.run(sb.pending_run_id)
    assert reviews_asked(sb, release.id) == ["production", "cleanup"]
    # The notification does not wait for cleanup's review.
    eventually(lambda: conclusions(sb, release.id).get("Notify / Slack / Discord") == "success", "notified")
    prune_id = dispatch(gh, sb, operation="prune", digests="sha256:" + "1" * 64, request_id="p-1")
    rollback_id = dispatch(gh, sb, operation="rollback", targets="all", request_id="r-1", reason="5xx")

    wait_for_review(sb, rollback_id, "production")
    assert reviews_asked(sb, rollback_id) == ["production"]
    review(gh, sb, rollback_id, "approved")

    assert sb.wait_run(rollback_id).conclusion == "success"
    after = tag_map(sb)
    assert all(after[f"latest-{t}"] == before[f"latest-{t}"] for t in TARGETS)  # back from v1.5.0 to v1.4.0
    # The cleanup review is still unanswered, and the prune still queues behind it.
    assert sb.run(release.id).status == "waiting" and sb.run(prune_id).status != "completed"
