"""GitHubService against the sandbox's GitHub stand-in over loopback HTTP."""

from __future__ import annotations

import pytest

from console.errors import AuthError, GitHubError, NetworkError, NotFound, RateLimited, UncertainWrite
from console.services.github import GitHubService
from tests.services.helpers import closed_port

TOKEN = "sandbox-token"


async def test_list_runs_maps_fields(gh):
    runs = await gh.list_runs("ci.yml", per_page=5)
    assert [r.run_number for r in runs] == [40, 39, 38, 37, 36]
    run = runs[0]
    assert (run.workflow, run.name, run.event, run.head_branch, run.actor) == ("ci.yml", "CI", "push", "main", "alice")
    assert run.status == "completed" and run.conclusion == "success"
    assert run.html_url.endswith("/actions/runs/139")


async def test_unchanged_poll_is_a_304_that_costs_no_rate_limit(gh, stand_in):
    first = await gh.list_runs("ci.yml")
    counted_before = stand_in.counted()
    again = await gh.list_runs("ci.yml")

    assert again == first  # the cached body is served
    assert gh.stats.not_modified == 1 and gh.stats.counted == 1
    assert stand_in.counted() == counted_before  # the server agrees: nothing counted
    assert stand_in.state.requests[-1].status == 304


async def test_changed_data_is_fetched_again_and_the_cache_stays_bounded(gh, stand_in):
    await gh.list_runs("cd.yml")
    for status in ("in_progress", "completed", "queued", "completed"):
        stand_in.state.runs[500].status = status
        runs = await gh.list_runs("cd.yml")
        assert runs[0].status == status
    assert gh.stats.not_modified == 0
    assert len(gh.cache) == 1  # one entry per URL, the newest: an all-day poll does not grow memory


async def test_rate_limit_headers_are_tracked(gh, stand_in):
    await gh.current_user()
    await gh.check_repository()
    assert gh.rate_limit.limit == 5000
    assert gh.rate_limit.used == stand_in.state.ratelimit_used == 2
    assert gh.rate_limit.remaining == 4998 and gh.rate_limit.reset_at is not None


async def test_jobs_follow_pagination(gh):
    jobs = await gh.list_jobs(600)
    assert len(jobs) == 130 and len({j.id for j in jobs}) == 130
    assert gh.stats.by_route["GET /repos/acme/shop/actions/runs/{id}/jobs"] == 2


async def test_jobs_carry_steps_and_log_follows_redirect(gh):
    jobs = await gh.list_jobs(100)
    assert jobs[0].steps[0].name == "checkout"
    log = await gh.job_log(jobs[0].id)
    assert "hello" in log


async def test_5xx_is_retried(gh, stand_in):
    stand_in.faults.fail_next_5xx = 2
    assert await gh.current_user() == "octo-operator"
    assert gh.retry.retries == 2 and gh.stats.total == 3


async def test_persistent_5xx_gives_up_with_one_sentence(gh, stand_in):
    stand_in.faults.fail_next_5xx = 100
    with pytest.raises(GitHubError, match="answered 502 .* even after retries"):
        await gh.check_repository()
    assert gh.stats.total == 4  # 1 + 3 retries, bounded


async def test_secondary_rate_limit_honours_retry_after(gh, stand_in):
    stand_in.faults.secondary_limit_next = 1  # retry-after: 1
    assert await gh.current_user() == "octo-operator"  # waited 1 s, then succeeded
    assert gh.retry.retries == 1
    assert [r.status for r in stand_in.state.requests] == [403, 200]


async def test_long_secondary_rate_limit_is_not_waited_out(gh, stand_in):
    stand_in.faults.secondary_rate_limit = 600
    with pytest.raises(RateLimited, match="secondary rate limit") as err:
        await gh.current_user()
    assert err.value.reset_at is not None and gh.stats.total == 1


async def test_exhausted_primary_rate_limit_says_until_when(gh, stand_in):
    stand_in.state.ratelimit_used = stand_in.state.ratelimit_limit
    with pytest.raises(RateLimited, match="resets at") as err:
        await gh.list_runs("ci.yml")
    assert err.value.reset_at is not None


async def test_bad_token(stand_in):
    gh = GitHubService("acme/shop", "ghp_wrongtoken", stand_in.url)
    with pytest.raises(AuthError) as err:
        await gh.current_user()
    assert "gh auth login" in str(err.value) and "ghp_wrongtoken" not in str(err.value)
    assert "ghp_wrongtoken" not in repr(gh)
    await gh.aclose()


async def test_unknown_repository(stand_in):
    gh = GitHubService("acme/nope", TOKEN, stand_in.url)
    with pytest.raises(NotFound, match="^Repository acme/nope not found, or the token cannot see it.$"):
        await gh.check_repository()
    await gh.aclose()


async def test_unknown_run(gh):
    with pytest.raises(NotFound, match="Run 4242 not found"):
        await gh.get_run(4242)


async def test_unreachable_server_is_network_error():
    gh = GitHubService("acme/shop", TOKEN, f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(NetworkError, match="Cannot reach GitHub at http://127.0.0.1"):
        await gh.current_user()
    await gh.aclose()


async def test_pending_deployments_and_review(gh, stand_in):
    [pending] = await gh.pending_deployments(500)
    assert (pending.environment, pending.environment_id, pending.wait_timer_minutes) == ("production", 2, 5)
    assert pending.reviewers == ("octo-operator", "sre") and pending.current_user_can_approve
    assert pending.wait_timer_started_at is not None

    await gh.review_pending(500, [pending.environment_id], approve=True, comment="ship it")
    assert await gh.pending_deployments(500) == []


async def test_review_with_nothing_pending_is_refused(gh):
    with pytest.raises(GitHubError, match="No pending deployment requests"):
        await gh.review_pending(100, [2], approve=True, comment="x")


async def test_dispatch_returns_run_details(gh, stand_in):
    result = await gh.dispatch("cd.yml", "main", {"operation": "rollback", "targets": "runtime", "request_id": "r1"})
    assert result.run_id is not None and str(result.run_id) in (result.html_url or "")
    assert stand_in.state.runs[result.run_id].display_title.endswith("[r1]")


async def test_dispatch_falls_back_when_run_details_are_rejected(gh, stand_in):
    stand_in.faults.dispatch_details_unsupported = True
    result = await gh.dispatch("cd.yml", "main", {"operation": "prune", "digests": "", "request_id": "r2"})
    assert result.run_id is not None
    assert stand_in.state.runs[result.run_id].display_title.endswith("[r2]")
    assert len(stand_in.simulator.dispatched) == 1  # never dispatched twice


@pytest.mark.parametrize("write", ["dispatch", "review", "rerun"])
async def test_a_write_answered_502_is_not_sent_again(gh, stand_in, write):
    """A 502 does not say whether GitHub carried the write out: never retried (a GET would be)."""
    stand_in.faults.fail_next_5xx = 1
    with pytest.raises(UncertainWrite, match="GitHub answered 502 to .* may or may not have been done"):
        if write == "dispatch":
            await gh.dispatch("cd.yml", "main", {"operation": "rollback", "targets": "runtime", "request_id": "r3"})
        elif write == "rerun":
            await gh.rerun(101, failed_only=True)
        else:
            await gh.review_pending(500, [2], approve=True, comment="ship it")
    assert gh.retry.retries == 0
    assert [r.method for r in stand_in.state.requests] == ["POST"]


async def test_the_review_history_says_who_reviewed_how(gh, stand_in):
    await gh.review_pending(500, [2], approve=False, comment="not today")
    [review] = await gh.run_reviews(500)
    assert (review.state, review.user, review.comment, review.environment_ids) == ("rejected", "octo-operator", "not today", (2,))
    assert await gh.run_reviews(100) == []


async def test_dispatch_with_bad_inputs_is_refused(gh, stand_in):
    with pytest.raises(GitHubError, match="not in the list of allowed values"):
        await gh.dispatch("cd.yml", "main", {"operation": "explode"})
    assert stand_in.simulator.dispatched == []


async def test_environments_deployments_and_compare(gh):
    envs = {e.name: e for e in await gh.environments()}
    assert envs["production"].reviewers == ("octo-operator", "sre") and envs["production"].wait_timer_minutes == 5
    [dep] = await gh.deployments(environment="production")
    assert (dep.environment, dep.ref, dep.run_id, dep.state) == ("production", "v1.1.0", 120, "success")
    assert [s.state for s in dep.statuses] == ["success", "in_progress"]  # newest first
    assert await gh.compare("a" * 40, "b" * 40) == [("b" * 40, "fix: second", "bob")]
