"""What deserves an operator's attention between two snapshots, and how a desktop notification is
spelled for the terminal. Pure: console/ui/alerts.py rings and writes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from console.model.runs import WorkflowRun
from console.model.text import plain

NOTIFY_MODES = ("bell", "desktop", "both", "none")
RELEASE_REF = re.compile(r"^v\d")


def failed_on_main_or_tag(runs: Iterable[WorkflowRun], main: str) -> set[int]:
    """Ids of completed, failed runs on the main branch or a release tag (pull requests are the author's)."""
    return {r.id for r in runs if r.conclusion in ("failure", "timed_out", "startup_failure")
            and (r.head_branch == main or RELEASE_REF.match(r.head_branch or ""))}


def desktop_sequences(title: str, body: str) -> str:
    """OSC 9 (iTerm2, Windows Terminal, WezTerm, kitty) and OSC 777 (urxvt, foot, GNOME's VTE), which
    most terminals and tmux (with allow-passthrough) turn into a desktop notification. The text is
    data: controls are made visible and the sequences' own separators (``;``, BEL, ST) cannot appear."""

    def field(text: str) -> str:
        return plain(text).replace(";", ",")[:200]

    return f"\x1b]9;{field(title)}: {field(body)}\x07\x1b]777;notify;{field(title)};{field(body)}\x07"
