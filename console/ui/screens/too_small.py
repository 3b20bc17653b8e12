"""Shown instead of a broken layout when the terminal is smaller than the console needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


class TooSmallScreen(Screen):
    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_resize(self) -> None:
        self.show_size()

    def on_mount(self) -> None:
        self.show_size()

    def show_size(self) -> None:
        width, height = self.app.size
        self.query_one("#too-small", Static).update(
            f"ghaecr-console needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT};\n"
            f"this one is {width}×{height}. Enlarge the window (or reduce the font size).\n\n"
            "q quits.")
