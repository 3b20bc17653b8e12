"""The key footer, without Textual 8.2's leak of one set of key widgets per redraw.

Textual's Footer recomposes whenever the bindings change (a screen opens or closes, the focus
moves) and each new FooterKey binds ``Footer.compact`` with ``data_bind``. That binding is a
watcher appended to the footer's own watcher list, which Textual prunes only when ``compact``
changes — never, in practice — so every FooterKey ever shown stays reachable from the live
footer (measured: +2 FooterKeys per screen opened and closed on a two-key footer; ~150 MB after
a few hundred screens in the console). Upstream report text: bench/README.md.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    """Footer that drops the watchers of the key widgets its last recompose removed."""

    async def recompose(self) -> None:
        await super().recompose()
        # Reactive watchers live in the ``__watchers`` attribute (set with setattr, so not mangled).
        watchers = getattr(self, "__watchers", {}).get("compact")
        if watchers:
            watchers[:] = [(node, callback) for node, callback in watchers if node.is_attached]
