"""Text is data: markup and terminal escapes in GitHub data, the audit log and the operator's
search terms are shown as written in every view, dialog, notification and log search — no crash,
no hidden link, nothing sent to the terminal."""

from __future__ import annotations

import pytest
from rich.segment import Segment

from console.actions.audit import AuditLog, AuditRecord
from console.sandbox import state as sandbox_state
from console.ui.dialogs import ApproveScreen, AuditScreen, PruneScreen, RollbackScreen
from console.ui.widgets.log_view import LogView
from tests.hostile import HOSTILE, LOCAL_USER, RUN_NAME, assert_shown_literally, make_hostile
from tests.ui.helpers import loaded, refreshed, screen_text, until


def links_on_screen(app) -> list[str]:
    """Hyperlinks (OSC 8) in what the terminal would show."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)

    def segments(node):
        if isinstance(node, Segment):
            yield node
        else:
            for child in node:
                yield from segments(child)

    return [s.style.link for s in segments(update.strips) if s.style is not None and s.style.link]


@pytest.mark.slow
async def test_hostile_text_is_shown_as_written_everywhere(console_app, monkeypatch):
    app, sb = console_app()
    monkeypatch.setitem(sandbox_state.WORKFLOWS, "cd.yml", (sandbox_state.WORKFLOWS["cd.yml"][0], RUN_NAME))
    monkeypatch.setenv("LOGNAME", LOCAL_USER)  # the audit record's local user
    AuditLog.for_settings(app.settings).append(
        AuditRecord(action="rollback", repository=sb.repo, targets=["minimal"], comment=HOSTILE, outcome="failed",
                    error="run said " + HOSTILE))
    shown: list[str] = []

    def look() -> None:
        shown.append(screen_text(app))
        assert not links_on_screen(app)

    async with app.run_test(size=(140, 45)) as pilot:
        await loaded(pilot)
        # A new approval from a run named "CD [/]" notifies: the waiting run is made news again by
        # forgetting the approvals seen at start (pushing a tag waits on the pipeline simulator).
        app._known_approvals = set()
        await refreshed(pilot)
        assert any(n.message.startswith(RUN_NAME) and "waits for approval" in n.message for n in app._notifications)
        make_hostile(sb, monkeypatch)
        await refreshed(pilot)
        for view in "12345":
            await pilot.press(view)
            await pilot.pause()
            look()
        # A run's detail, its job's log, and a search for markup in it.
        await pilot.press("2", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "RunDetailScreen" and app.screen.jobs, timeout=60)
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query_one("#log", LogView).lines), timeout=60)
        look()
        await pilot.press("slash", *"[/", "enter")
        assert app.screen.query_one("#log", LogView).matches  # the hostile log line, found as text
        await pilot.press("slash", "ctrl+u", *"[/nowhere", "enter")
        await pilot.pause()
        look()
        assert app.data.hint == "'[/nowhere' is not in this log."  # on the status line, as typed
        await pilot.press("escape", "escape")
        await until(pilot, lambda: type(app.screen).__name__ == "MainScreen", timeout=60)
        # Dialogs: help, audit log, approve (commit messages), rollback, prune.
        for view, key, screen, ready in (
            ("1", "question_mark", None, None),
            ("1", "A", AuditScreen, None),
            ("1", "a", ApproveScreen, lambda: app.screen.preview is not None),
            ("4", "b", RollbackScreen, lambda: app.screen.plan is not None),  # b needs a selected target
            ("1", "P", PruneScreen, lambda: app.screen.plan is not None),
        ):
            await pilot.press(view, key)
            if screen is not None:
                await until(pilot, lambda: isinstance(app.screen, screen) and (ready is None or ready()), timeout=60)
            await pilot.pause()
            look()
            await pilot.press("escape")
            await pilot.pause()
        look()
        assert app.is_running and app._exception is None
    everything = "\n".join(shown)
    assert_shown_literally(everything)
    assert LOCAL_USER in everything and RUN_NAME in everything
