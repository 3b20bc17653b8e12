"""The approve dialog's release context (Pilot, on the sandbox over HTTP): the CI run and each target's
staging/<target> status of the tagged commit, the compare link, the pending deployment's 30-day
deadline, and — when you cannot approve — why, with Approve and Reject not offered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Button, Input

from console.ui.dialogs import ApproveScreen, ConfirmModal
from tests.actions.helpers import writes
from tests.ui.helpers import loaded, screen_text, status, until

SIZE = (160, 60)  # the whole preview on screen, no scrolling


async def open_preview(pilot, run_id: int) -> str:
    app = pilot.app
    await loaded(pilot)
    app.push_screen(ApproveScreen(run_id))
    await until(pilot, lambda: isinstance(app.screen, ApproveScreen) and app.screen.preview is not None)
    await pilot.pause()
    return screen_text(app)


def target_rows(text: str, targets) -> dict[str, str]:
    """The "Goes out per target" table's row of each target, as shown."""
    return {t: next(line for line in text.splitlines() if f"│ {t} │" in line) for t in targets}


def expected_deadline(sb) -> str:
    """30 days after the run started waiting (the stand-in creates the deployment only once approved)."""
    run = sb.run(sb.pending_run_id)
    at = (run.run_started_at or run.created_at) + timedelta(days=30)
    return f"({at:%b} {at.day} {at:%H:%M} UTC)"


async def test_the_preview_shows_ci_staging_compare_link_and_deadline(console_app):
    app, sb = console_app()
    release = sb.run(sb.pending_run_id)
    [ci] = [r for r in sb.runs_for(release.head_sha) if r.workflow == "ci.yml"]
    async with app.run_test(size=SIZE) as pilot:
        text = await open_preview(pilot, sb.pending_run_id)
        assert f"CI: ✓ success (CI #{ci.run_number})" in text
        rows = target_rows(text, sb.targets)
        assert all("✓ tested" in rows[t] for t in sb.targets), rows  # staging/<t> names this very digest
        assert "compare: https://github.com/acme/shop/compare/v1.4.0...v1.5.0" in text
        assert "30-day deadline: expires in 29d " in text and expected_deadline(sb) in text
        assert "you can approve" in text and not app.screen.query_one("#approve", Button).disabled


async def test_a_digest_staging_did_not_test_is_flagged(console_app):
    app, sb = console_app()
    sha = sb.run(sb.pending_run_id).head_sha
    with sb.state.lock:  # a later staging run of the same commit recorded another digest for runtime
        latest = sb.state.commit_statuses[sha][-1]
        sb.state.add_commit_status(sha, "staging/runtime", "success", "smoke-tested sha256:" + "e" * 64,
                                   latest.target_url, latest.created_at + timedelta(minutes=1))
        sb.state.add_commit_status(sha, "staging/minimal", "failure", "staging failed; this commit cannot be released",
                                   latest.target_url, latest.created_at + timedelta(minutes=1))
    async with app.run_test(size=SIZE) as pilot:
        text = await open_preview(pilot, sb.pending_run_id)
        rows = target_rows(text, sb.targets)
        assert "≠ tested eeeeeeeeeeee" in rows["runtime"] and "✗ failure" in rows["minimal"]


BLOCKED = {
    "not a reviewer": ({"reviewers": ["release-captain"], "teams": []},
                       "octo-operator is not a required reviewer of production; ask a reviewer (release-captain).",
                       "reviewers: release-captain"),
    "self-review": ({"prevent_self_review": True},
                    "production prevents self-review and octo-operator started this run; ask another reviewer "
                    "(release-captain, release-managers).", "(no self-review)"),
    "protection-rule app": ({"reviewers": [], "teams": [], "apps": ["release-guard"]},
                            "production is held by the custom deployment protection rule of the GitHub App "
                            "release-guard", "held by app: release-guard"),
}


@pytest.mark.parametrize("case", BLOCKED)
async def test_why_you_cannot_approve_is_said_and_nothing_is_offered(console_app, case):
    protection, reason, waiting_line = BLOCKED[case]
    app, sb = console_app()
    sb.protect(**protection)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_preview(pilot, sb.pending_run_id)
        assert reason in status(app) and reason.split(";")[0] in " ".join(text.split())
        assert waiting_line in text and "you cannot approve" in text
        assert "reviewers: -" not in text  # never an empty reviewer list
        screen = app.screen
        assert screen.query_one("#approve", Button).disabled and screen.query_one("#reject", Button).disabled
        screen.query_one("#comment", Input).value = "let me"
        screen._confirm(approve=True)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
    assert writes(sb) == []
