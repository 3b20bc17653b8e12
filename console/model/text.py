"""Text from outside is data: shown as written, never run by the terminal.

Every string that comes from GitHub, ECR, the config, the environment or the operator (a PR title,
a workflow or job name, a log line, a login, a tag, a reason) goes through :func:`plain` before it
is shown. Control characters become visible symbols (``\\x1b`` shows as ``␛``, ``\\r`` as ``␍``),
so an OSC 8 hyperlink, a CSI screen clear or a carriage return that overwrites a line is shown as
text instead of being obeyed; bidirectional overrides become ``�`` (they reorder what is shown).
The mapping is one character for one, so styles laid over a string keep their places.

Markup (``[bold]``, ``[link=…]``) is the renderer's concern: the UI and the CLI tables put data in
``rich.text.Text`` cells (console/actions/render.py ``cell``), never in a markup string.
"""

from __future__ import annotations

import re

# CSI (colours, cursor moves, screen clears) and OSC (titles, hyperlinks, clipboard) sequences.
_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]")

_VISIBLE: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}  # ␀ … ␟
_VISIBLE[0x7F] = "␡"
_VISIBLE.update(dict.fromkeys(range(128, 160), "�"))  # C1 controls (0x9b is a one-byte CSI)
_VISIBLE.update(dict.fromkeys((*range(8234, 8239), *range(8294, 8298)), "�"))  # bidi overrides
_KEEP_LINES = {**_VISIBLE}
del _KEEP_LINES[0x0A], _KEEP_LINES[0x09]  # multi-line text keeps its newlines and tabs


def plain(value: object, *, lines: bool = False, sequences: str = "show") -> str:
    """``value`` as a string with every control character made visible (``lines``: keep \\n and \\t).

    ``sequences="strip"`` drops whole CSI/OSC sequences first (a CI log's colours), instead of
    showing them."""
    text = str(value)
    if sequences == "strip":
        text = _SEQUENCE.sub("", text)
    return text.translate(_KEEP_LINES if lines else _VISIBLE)


def one_line(value: object, limit: int = 200) -> str:
    """``value`` for a one-line message: visible controls, cut to ``limit`` characters."""
    text = plain(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
