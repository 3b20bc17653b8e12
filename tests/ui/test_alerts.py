"""Alerts on the sandbox: a new approval waiting, a failed run on main, the end of an operator action —
each rings the bell and/or writes a desktop notification (OSC 9 and OSC 777) as ``notify`` says."""

from __future__ import annotations

import pytest

from console.model.alerts import desktop_sequences
from console.ui.alerts import Alerts
from tests.ui.helpers import click, confirm_typing, loaded, open_rollback, reject_seeded_release, until

SIZE = (160, 50)


class Terminal:
    """What the app sent to the terminal: bells and escape sequences."""

    def __init__(self) -> None:
        self.bells = 0
        self.written: list[str] = []

    def ring(self) -> None:
        self.bells += 1

    def write(self, text: str) -> None:
        self.written.append(text)

    def saw(self, words: str) -> bool:
        return any(words in w and w.startswith("\x1b]9;") and "\x1b]777;notify;" in w for w in self.written)


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch):
    monkeypatch.setenv("GHAECR_CONSOLE_POLL_SECONDS", "0.05")


def with_terminal(app, mode: str) -> Terminal:
    terminal = Terminal()
    app.alerts = Alerts(mode, "main", terminal.ring, terminal.write)
    return terminal


async def test_each_event_writes_a_desktop_notification(console_app):
    app, sb = console_app()
    terminal = with_terminal(app, "desktop")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert terminal.written == []  # what was already there at start is not news

        reject_seeded_release(sb)
        await sb.await_run(sb.push_tag("v1.6.0"), "waiting")
        app.refresh_now()
        await until(pilot, lambda: terminal.saw("Deployment waiting for approval"))

        sha = sb.push_main("Break the build", ci_fails=True)
        ci = next(r for r in sb.runs_for(sha) if r.workflow == "ci.yml")
        await sb.await_run(ci.id)
        app.refresh_now()
        await until(pilot, lambda: terminal.saw("Run failed"))

        await open_rollback(pilot, "runtime")
        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: terminal.saw("finished"))
    assert terminal.bells == 0  # desktop only


@pytest.mark.parametrize(("mode", "bells"), [("none", 0), ("bell", 1)])
async def test_none_is_silent_and_bell_only_rings(console_app, mode, bells):
    app, sb = console_app()
    terminal = with_terminal(app, mode)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        reject_seeded_release(sb)
        await sb.await_run(sb.push_tag("v1.6.0"), "waiting")
        app.refresh_now()
        await until(pilot, lambda: [a.environment for _, a in app.snapshot.approvals] == ["production"])
        await until(pilot, lambda: terminal.bells == bells)
        await pilot.pause()
    assert terminal.written == [] and terminal.bells == bells


def test_notification_text_is_data():
    sequence = desktop_sequences("CD [/] failed", "evil\x1b]8;;https://x\x07; title\x07")
    body = sequence.split("\x1b]777;notify;", 1)[1]
    assert body.count(";") == 1  # title;body — nothing from the data adds a field
    assert sequence.count("\x1b") == 2 and sequence.count("\x07") == 2  # only our own two sequences
