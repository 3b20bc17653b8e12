"""The action dialogs through Pilot on the sandbox: approve, rollback, prune, direct, audit."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from textual.widgets import Button, DataTable, Input, OptionList, Select, SelectionList, Static

from console.sandbox import ecr_seed
from console.ui.dialogs import ApproveScreen, AuditScreen, ConfirmModal, RollbackScreen
from tests.actions.helpers import dispatched_runs, dispatches, ecr_digests, ecr_tags, writes
from tests.ui.helpers import (
    DIALOG_SIZE,
    click,
    confirm_typing,
    loaded,
    open_prune,
    open_rollback,
    screen_text,
    shown_buttons,
    status,
    until,
)

SIZE = DIALOG_SIZE


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")


async def test_rollback_then_again_to_a_chosen_version(console_app, audit_log):
    app, sb = console_app()
    before = ecr_tags(sb)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, "runtime")
        assert "previous-runtime" in screen_text(app)
        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: "Rolled back" in status(app) and not screen.running)
        assert ecr_tags(sb)["latest-runtime"] == before["previous-runtime"]
        assert shown_buttons(screen) == ["close"] and app.focused is screen.query_one("#close")
        await pilot.press("r", "ctrl+d")  # done: no re-plan, no break-glass in this dialog
        assert screen.plan is None and app.screen is screen

        await pilot.press("escape")  # the next rollback: b again, a fresh plan (previous-runtime is production now)
        app.rollback_target("runtime")
        await until(pilot, lambda: isinstance(app.screen, RollbackScreen) and app.screen.images)
        screen = app.screen
        screen.query_one("#version").value = "v1.2.0"
        await until(pilot, lambda: screen.plan is not None and screen.plan.to_version == "v1.2.0")
        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: "Rolled back" in status(app) and not screen.running)
    assert ecr_tags(sb)["latest-runtime"] == before["v1.2.0-runtime"]
    assert ecr_tags(sb)["latest-minimal"] == before["latest-minimal"]
    assert [(r.action, r.outcome) for r in audit_log.read()] == [("rollback", "succeeded")] * 2


def push_release(sb, version: str, target: str) -> None:
    """A release image of ``target`` pushed to the sandbox's ECR behind the console's back (e.g. a
    release candidate that once ran in production)."""
    sha = hashlib.sha1(version.encode()).hexdigest()
    manifest, digest, size = ecr_seed.make_manifest(sb.seed, sha, target, sb.targets.index(target))
    seed = ecr_seed.ImageSeed(target, sha, manifest, digest, size, sb.clock.now() - timedelta(days=30),
                              [f"{version}-{target}", f"sha-{sha}-{target}"])
    ecr_seed.push(sb.ecr_client(), sb.ecr_repository, sb.region, seed)


async def test_the_versions_to_roll_back_to_list_release_candidates_below_their_release(console_app):
    """The version list is in release order, newest first, as the rest of the console orders versions:
    v1.3.0's candidates below v1.3.0 and above v1.2.0, rc.10 above rc.2."""
    app, sb = console_app(frozen=True)
    for version in ("v1.3.0-rc.2", "v1.3.0-rc.10"):
        push_release(sb, version, "runtime")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, "runtime")
        select = screen.query_one("#version", Select)
        select.focus()
        await pilot.press("enter")  # the list the operator picks from
        await until(pilot, lambda: select.expanded)
        overlay = select.query_one(OptionList)  # the open drop-down
        shown = [str(overlay.get_option_at_index(i).prompt) for i in range(overlay.option_count)]
    assert shown == ["previous image", "v1.3.0", "v1.3.0-rc.10", "v1.3.0-rc.2", "v1.2.0", "v1.1.0", "v1.0.0"]


async def test_enter_on_the_confirmation_cancels_and_a_wrong_name_does_nothing(console_app, audit_log):
    app, sb = console_app()
    before = ecr_tags(sb)
    async with app.run_test(size=SIZE) as pilot:
        await open_rollback(pilot, "runtime")
        await click(pilot, "#execute")
        await pilot.press("enter")  # Cancel has the focus
        await until(pilot, lambda: "Cancelled" in status(app))
        await click(pilot, "#execute")
        await confirm_typing(pilot, "minimal")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmModal)  # still asking
        await pilot.press("escape")
        await pilot.pause(0.2)
    assert ecr_tags(sb) == before and dispatches(sb) == 0
    assert [r.outcome for r in audit_log.read()] == ["cancelled", "cancelled"]


async def test_a_second_press_while_rolling_back_dispatches_once(console_app):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, None)
        screen.query_one("#target").value = "__all__"  # all targets: type "production"
        await until(pilot, lambda: screen.plan is not None and len(screen.plan.targets) == 2)
        sb.faults.latency_s = 0.3  # keep the rollback running while we press again
        await click(pilot, "#execute")
        await confirm_typing(pilot, "production")
        assert screen.running and screen.query_one("#execute", Button).disabled, status(app)
        screen._confirm(direct=False)  # a press that slips through does nothing
        await pilot.press("b")  # the app's rollback key is off on the dialog
        assert app.screen is screen
        sb.faults.latency_s = 0.0
        await until(pilot, lambda: not screen.running)
        assert "Rolled back" in status(app)
    assert dispatches(sb) == 1


async def test_prune_deletes_exactly_the_checked_images(console_app, audit_log):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_prune(pilot)
        keep = screen.query_one("#keep", Input)
        keep.value = "3"
        keep.focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.plan is not None and screen.plan.keep == 3)
        items = screen.query_one("#items", SelectionList)
        first = screen.plan.delete[0].image.digest
        items.focus()
        items.highlighted = 0
        await pilot.press("space")  # uncheck the highlighted (first) image
        chosen = set(screen.chosen().digests)
        assert first not in chosen and len(chosen) == len(screen.plan.delete) - 1
        present = ecr_digests(sb)
        await click(pilot, "#execute")
        await confirm_typing(pilot, sb.ecr_repository)
        await until(pilot, lambda: "Pruned" in status(app) and not screen.running)
        assert shown_buttons(screen) == ["close"] and not screen.query_one("#items").display
        await pilot.press("escape")
        screen = await open_prune(pilot)  # the next prune plans afresh
        keep = screen.query_one("#keep", Input)
        keep.value = "3"
        keep.focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen.plan is not None and first in {i.image.digest for i in screen.plan.delete})
        assert first not in screen.query_one("#items", SelectionList).selected  # still unchecked
    assert ecr_digests(sb) == present - chosen
    assert set(audit_log.read()[0].digests) == chosen


async def test_approve_with_a_comment_moves_production(console_app, audit_log):
    app, sb = console_app()
    before = ecr_tags(sb)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ApproveScreen) and app.screen.preview is not None)
        screen = app.screen
        assert "v1.5.0" in screen_text(app) and "you can approve" in screen_text(app)
        await click(pilot, "#approve")  # no comment yet
        assert "A comment is required" in status(app) and app.screen is screen
        screen.query_one("#comment", Input).value = "ship v1.5.0"
        await click(pilot, "#approve")
        await confirm_typing(pilot, "production")
        await until(pilot, lambda: "Approved" in status(app), timeout=30)
    after = ecr_tags(sb)
    for t in sb.targets:
        assert after[f"latest-{t}"] == after[f"v1.5.0-{t}"] and after[f"previous-{t}"] == before[f"latest-{t}"]
    assert audit_log.read()[0].comment == "ship v1.5.0"


async def test_direct_rollback_asks_twice_and_runs_no_workflow(console_app, audit_log):
    app, sb = console_app()
    before = ecr_tags(sb)
    async with app.run_test(size=SIZE) as pilot:
        await open_rollback(pilot, "minimal")
        await pilot.press("ctrl+d")
        assert "DIRECT MODE" in str(app.screen.query_one("#confirm-banner", Static).render())
        await confirm_typing(pilot, "direct")
        await pilot.pause()
        await confirm_typing(pilot, "minimal")
        await until(pilot, lambda: "Rolled back (direct)" in status(app))
    assert ecr_tags(sb)["latest-minimal"] == before["previous-minimal"]
    assert dispatched_runs(sb) == []
    assert audit_log.read()[0].mode == "direct"


async def test_read_only_dialogs_offer_no_write(console_app):
    app, sb = console_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.push_screen(RollbackScreen("runtime"))
        await until(pilot, lambda: app.screen.plan is not None)
        assert "read-only mode" in str(app.screen.query_one("#read-only", Static).render())
        assert app.screen.query_one("#execute", Button).disabled
        app.screen._confirm(direct=False)
        await pilot.press("ctrl+d")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmModal)
    assert writes(sb) == []


async def test_audit_screen_lists_every_record(console_app, audit_log):
    from console.actions.audit import AuditRecord

    audit_log.append(AuditRecord(action="rollback", repository="acme/shop", outcome="succeeded", run_id=7))
    audit_log.append(AuditRecord(action="prune", repository="acme/shop", outcome="refused", error="read-only mode"))
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, AuditScreen))
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        assert "read-only mode" in str(app.screen.query_one("#detail", Static).render())  # newest first


async def test_someone_who_cannot_approve_is_told_why_and_offered_nothing(console_app):
    app, sb = console_app()
    with sb.state.lock:
        sb.state.environments["production"].reviewers.remove(sb.user)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.push_screen(ApproveScreen(sb.pending_run_id))
        await until(pilot, lambda: app.screen.preview is not None)
        assert f"{sb.user} is not a required reviewer of production" in status(app)
        assert app.screen.query_one("#approve", Button).disabled and app.screen.query_one("#reject", Button).disabled
        app.screen.query_one("#comment", Input).value = "let me"
        app.screen._confirm(approve=True)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
    assert writes(sb) == []


async def test_a_keep_count_that_keeps_everything_says_so_and_offers_no_prune(console_app):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = await open_prune(pilot)
        assert not screen.plan.delete and not screen.query_one("#items", SelectionList).display
        assert "Nothing to delete" in str(screen.query_one("#summary", Static).render())
        assert screen.query_one("#execute", Button).disabled
    assert writes(sb) == []
