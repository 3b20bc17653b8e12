"""Candidate fixes timed against the shipped code in the same run (``bench/run.py --experiment a,b``,
or ``BENCH_EXPERIMENT=a,b`` for ``bench/probe_tui.py`` and ``bench/console_experiment.py``).

An experiment is a function that monkeypatches the console before it starts; figures 1 and 3 then
time the console with and without it, round-robin on the same sandbox, so "before" and "after"
share the machine and the minute. Nothing here is used by the console itself.

Every experiment tried so far has shipped and was removed from here (the record is in
bench/README.md, "Targets, causes and fixes"): UTC push dates sorted in the worker thread, memoised
tag parsing, compact JSON through a pipe, and the narrowing images filter. To try a fix, add::

    def _myfix() -> None:
        from console.model import images
        images.parse_tag = ...

    EXPERIMENTS["myfix"] = _myfix      # and add the name to CLI_EXPERIMENTS if `images --json` runs it
"""

from __future__ import annotations

import os
from collections.abc import Callable

EXPERIMENTS: dict[str, Callable[[], None]] = {}
# The ones that touch what ``images --json`` runs (the others would only add their imports to it).
CLI_EXPERIMENTS: tuple[str, ...] = ()


def apply_from_env() -> list[str]:
    names = [n for n in os.environ.get("BENCH_EXPERIMENT", "").split(",") if n]
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        raise SystemExit(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(EXPERIMENTS) or 'none'}")
    for name in names:
        EXPERIMENTS[name]()
    return names
