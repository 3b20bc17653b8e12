"""The console's own commands in the command palette (ctrl+p or :), including runs and targets by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.ui.format import run_label
from console.ui.keys import VIEWS

Command = tuple[str, Callable[[], object], str]


class ConsoleCommands(Provider):
    def _commands(self) -> Iterator[Command]:
        app = self.app
        for name in VIEWS:
            yield f"Go to {name.capitalize()}", partial(app.action_view, name), f"Show the {name} view"
        yield "Refresh now", app.action_refresh, "Fetch runs, images and environments again"
        yield "Approve or reject a deployment", app.action_approve, "The selected pending approval"
        yield "Roll back production", app.action_rollback, "Move latest-<target> back to previous-<target>"
        yield "Prune old images", app.action_prune, "Shows what would be deleted first"
        yield "Audit log", app.action_audit, "Actions taken from this console"
        yield "Open selected in browser", app.action_open, "Run, image commit or environment"
        yield "Copy selected", app.action_copy, "Digest or URL, to the clipboard (OSC 52)"
        yield "Keys (help)", app.action_help, "Every key and what it does"
        snapshot = app.snapshot  # type: ignore[attr-defined]
        if snapshot is None:
            return
        for target in snapshot.targets:
            yield f"Roll back {target}", partial(app.rollback_target, target), f"Move latest-{target} back to previous-{target} (plan first)"
        for run in snapshot.runs[:60]:
            yield (f"Open run {run_label(run)} {run.head_branch or ''}", partial(app.open_run, run.id),
                   run.display_title)

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
