"""The one typed way from a widget or screen to the console app (Textual types ``node.app`` as a plain
``App``): ``console_of(self).snapshot`` instead of ``self.app.snapshot  # type: ignore``."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from console.ui.app import GhaecrApp


def console_of(node: MessagePump) -> GhaecrApp:
    return cast("GhaecrApp", node.app)
