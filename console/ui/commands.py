"""The console's own commands in the command palette (ctrl+p or :): the registry's palette entries
(console/ui/keys.py), then "Roll back <target>" and "Open run CD #42" by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.ui.format import run_label
from console.ui.keys import REGISTRY
from console.ui.typed import console_of

Command = tuple[str, Callable[[], object], str]


class ConsoleCommands(Provider):
    def _commands(self) -> Iterator[Command]:
        app = console_of(self)
        keymap = app.settings.keys
        for key in REGISTRY:
            if key.palette and key.action:
                name = f"Go to {key.label}" if key.id.startswith("view.") else key.label
                shown = app.get_key_display(Binding(keymap.get(key.id, key.keys).split(",")[0], ""))
                yield f"{name}  ({shown})", partial(app.run_action, key.action), key.help
        snapshot = app.snapshot
        if snapshot is None:
            return
        for target in snapshot.targets:
            yield (f"Roll back {target}", partial(app.rollback_target, target),
                   f"Move latest-{target} back to previous-{target} (plan first)")
        for run in snapshot.runs[:60]:
            yield (f"Open run {run_label(run)} {run.head_branch or ''}",
                   partial(app.open_run, run.id), run.display_title)

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
