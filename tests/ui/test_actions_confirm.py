"""The confirm modal: Cancel is the default, a wrong typed name does nothing."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Button, Input, Static

from console.ui.dialogs import ConfirmModal


class Host(App):
    def __init__(self, modal: ConfirmModal) -> None:
        super().__init__()
        self.modal = modal
        self.results: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.results.append)


@pytest.mark.parametrize("title, require, key", [
    ("Roll back runtime?", None, "enter"),
    ("Delete 3 images?", "shop", "escape"),
], ids=["enter-on-the-default", "escape"])
async def test_cancel_has_focus_and_enter_or_escape_cancels(title, require, key):
    app = Host(ConfirmModal(title, "from -> to", require=require))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Button) and app.focused.id == "cancel"
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [False]


async def test_wrong_typed_name_does_nothing_and_right_name_confirms():
    app = Host(ConfirmModal("Roll back runtime?", require="runtime"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.click("#confirm")  # nothing typed yet
        await pilot.pause()
        assert app.results == [] and app.screen is app.modal
        app.modal.query_one("#confirm-input", Input).focus()
        await pilot.pause()
        await pilot.press(*"minimal", "enter")
        await pilot.pause()
        assert app.results == []
        assert "does not match" in str(app.modal.query_one("#confirm-hint", Static).render())
        app.modal.query_one("#confirm-input", Input).value = ""
        await pilot.press(*"runtime")
        await pilot.click("#confirm")
        await pilot.pause()
    assert app.results == [True]


async def test_typing_while_cancel_has_the_focus_goes_to_the_confirmation_field():
    app = Host(ConfirmModal("Roll back runtime?", require="runtime"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"runtime")
        field = app.modal.query_one("#confirm-input", Input)
        assert field.value == "runtime" and app.focused is field
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [True]


async def test_without_a_name_to_type_keys_do_not_confirm():
    app = Host(ConfirmModal("Break-glass?", require=None))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"yes")
        await pilot.pause()
        assert app.results == [] and isinstance(app.focused, Button) and app.focused.id == "cancel"
