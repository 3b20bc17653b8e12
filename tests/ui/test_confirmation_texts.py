"""The CLI and the TUI ask the same question, with the same word to type, for every operation:
both come from the operation's confirmation() (console/actions/operation.py)."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input

from console.actions.operation import Confirmation
from console.cli import main
from console.commands import operate as commands
from console.ui.dialogs import ApproveScreen, ConfirmModal
from tests.actions.helpers import writes
from tests.ui.helpers import DIALOG_SIZE, click, loaded, open_prune, open_rollback, until

SIZE = DIALOG_SIZE


def asked_on_screen(modal: ConfirmModal) -> str:
    """The TUI's modal as the terminal prompt the same Confirmation gives."""
    return Confirmation(modal.title_text, modal.confirm_label, require=modal.require).prompt()


async def tui_questions(pilot, sb) -> dict[str, list[str]]:
    """Open each dialog, press its write button, note every modal's question, and cancel."""
    app = pilot.app
    seen: dict[str, list[str]] = {}

    async def collect(name: str, *modals: int) -> None:
        seen[name] = []
        for _ in modals:
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            seen[name].append(asked_on_screen(app.screen))
            if app.screen.require == "direct":  # answer break-glass's own question to reach the next
                app.screen.query_one("#confirm-input", Input).value = "direct"
                app.screen._confirm()
            else:
                await pilot.press("escape")
            await pilot.pause()

    screen = await open_rollback(pilot, "runtime")
    await click(pilot, "#execute")
    await collect("rollback runtime", 1)
    await pilot.press("ctrl+d")
    await collect("rollback runtime --direct", 1, 2)
    screen.query_one("#target").value = "__all__"
    await until(pilot, lambda: screen.plan is not None and len(screen.plan.targets) == 2)
    await click(pilot, "#execute")
    await collect("rollback --all", 1)
    await pilot.press("escape")

    prune = await open_prune(pilot)
    prune.query_one("#keep", Input).value = "3"
    prune.action_replan()
    await until(pilot, lambda: prune.plan is not None and prune.plan.keep == 3)
    await click(pilot, "#execute")
    await collect("prune --keep 3", 1)
    await pilot.press("escape")

    app.push_screen(ApproveScreen(sb.pending_run_id))
    await until(pilot, lambda: isinstance(app.screen, ApproveScreen) and app.screen.preview is not None)
    app.screen.query_one("#comment", Input).value = "ship it"
    await click(pilot, "#reject")
    await collect(f"approve {sb.pending_run_id} --reject", 1)
    return seen


def cli_questions(sb, monkeypatch, capsys) -> dict[str, list[str]]:
    """Each command on a 'terminal' that answers break-glass and then says no to the real question."""
    monkeypatch.setattr(commands, "_is_tty", lambda: True)
    seen: dict[str, list[str]] = {}
    for argv in (["rollback", "runtime"], ["rollback", "runtime", "--direct"], ["rollback", "--all"],
                 ["prune", "--keep", "3"], ["approve", str(sb.pending_run_id), "--reject", "--comment", "ship it"]):
        prompts: list[str] = []

        async def ask(prompt: str) -> str:
            prompts.append(prompt)
            return "direct" if "'direct'" in prompt else ""

        monkeypatch.setattr(commands, "_ask", ask)
        assert main(argv) == 1 and "Cancelled" in capsys.readouterr().err
        seen[" ".join(argv[:1] + argv[2:] if argv[0] == "approve" else argv).replace(" --comment ship it", "")] = prompts
    return seen


@pytest.mark.slow
async def test_the_cli_and_the_tui_ask_the_same_questions(console_app, monkeypatch, capsys):
    app, sb = console_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        on_screen = await tui_questions(pilot, sb)
    on_terminal = await asyncio.to_thread(cli_questions, sb, monkeypatch, capsys)  # main() runs its own loop
    on_terminal[f"approve {sb.pending_run_id} --reject"] = on_terminal.pop("approve --reject")
    assert on_terminal == on_screen
    assert "Type 'runtime' to confirm" in on_screen["rollback runtime"][0]
    assert "Type 'production' to confirm" in on_screen["rollback --all"][0]
    assert "Type 'direct' to confirm" in on_screen["rollback runtime --direct"][0]
    assert f"Type '{sb.ecr_repository}' to confirm" in on_screen["prune --keep 3"][0]
    assert writes(sb) == []  # every question was answered no
