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
        await pilot.press(*"yes")  # stray typing never confirms (with a name to type, it goes to the field)
        await pilot.pause()
        assert app.results == [] and (require is not None or app.focused.id == "cancel")
        await pilot.press(key)
        await pilot.pause()
    assert app.results == [False]


async def test_typing_goes_to_the_field_a_wrong_name_does_nothing_the_right_name_confirms():
    app = Host(ConfirmModal("Roll back runtime?", require="runtime"))
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.click("#confirm")  # nothing typed yet
        await pilot.pause()
        assert app.results == [] and app.screen is app.modal
        await pilot.press(*"minimal")  # typed while a button has the focus: lands in the field
        field = app.modal.query_one("#confirm-input", Input)
        assert field.value == "minimal" and app.focused is field
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert "does not match" in str(app.modal.query_one("#confirm-hint", Static).render())
        field.value = ""
        await pilot.press(*"runtime")
        await pilot.click("#confirm")
        await pilot.pause()
    assert app.results == [True]
