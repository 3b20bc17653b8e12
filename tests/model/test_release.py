"""The release context's judgements, without I/O: the 30-day deadline's words, which staging status
counts for a target, and why someone cannot approve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.model import PendingApproval
from console.model.release import CommitStatus, Deadline, EnvironmentGate, staging_checks, why_not_reviewer

NOW = datetime(2026, 11, 28, 6, 30, tzinfo=UTC)


def test_the_deadline_counts_30_days_from_the_start_and_names_the_moment():
    started = NOW - timedelta(hours=21)
    assert Deadline(started, "run").text(NOW) == "expires in 29d 3h (Dec 27 09:30 UTC)"
    assert Deadline(NOW - timedelta(days=31), "deployment").text(NOW) == "expired 1d 0h ago (Nov 27 06:30 UTC)"


def test_staging_reads_each_targets_own_context_and_its_digest():
    digest = "sha256:" + "a" * 64
    checks = staging_checks(("minimal", "runtime"), [
        CommitStatus("staging/minimal", "success", f"smoke-tested {digest}"),
        CommitStatus("ci/lint", "success", "")])
    assert [(c.target, c.state, c.digest) for c in checks] == [("minimal", "success", digest), ("runtime", "missing", None)]


def pending(can: bool, reviewers: tuple[str, ...] = ("octo", "cap")) -> PendingApproval:
    return PendingApproval(7, 1, "production", 0, None, reviewers, can)


@pytest.mark.parametrize("approval, gate, user, actor, expected", [
    (pending(True), None, "octo", "bob", None),
    (pending(False), EnvironmentGate("production", ("octo", "cap")), "eve", "bob",
     "eve is not a required reviewer of production; ask a reviewer (octo, cap)."),
    (pending(False), EnvironmentGate("production", ("octo", "cap"), prevent_self_review=True), "octo", "octo",
     "production prevents self-review and octo started this run; ask another reviewer (cap)."),
    # An app alone holds it: no person releases it, whatever GitHub says of the user.
    (pending(True, ()), EnvironmentGate("production", (), apps=("release-guard",)), "octo", "bob",
     "production is held by the custom deployment protection rule of the GitHub App release-guard, not by "
     "reviewers; it approves or rejects by itself — see its checks on the run, or ask its owners."),
], ids=["reviewer", "not-a-reviewer", "self-review", "app"])
def test_why_someone_cannot_approve(approval, gate, user, actor, expected):
    assert why_not_reviewer(approval, gate, user, actor) == expected
