"""The one typed way from a widget, screen or palette provider to the console app (Textual types
``node.app`` as a plain ``App``): ``console_of(self).snapshot``, never ``self.app.snapshot  # type: ignore``."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.command import Provider
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from console.ui.app import GhaecrApp


def console_of(node: MessagePump | Provider) -> GhaecrApp:
    return cast("GhaecrApp", node.app)
