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
        # Short lines: the message itself must fit the small terminal (40x10 and down to ~30x8).
        self.query_one("#too-small", Static).update(
            f"ghaecr-console needs {MIN_WIDTH}×{MIN_HEIGHT};\n"
            f"this terminal is {width}×{height}.\n"
            "Enlarge it or reduce the font size.\n"
            "q quits.")
