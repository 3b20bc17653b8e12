"""Runs named as GitHub names them ("CD #39") in what a dialog shows: the actions layer speaks of
``run <id>`` (the CLI's ``watch``/``approve`` take ids), the operator reads workflow and number."""

from __future__ import annotations

import re
from collections.abc import Iterable

from console.model import WorkflowRun
from console.ui.format import run_label

# "run 11000000936" / "Run 11000000936", not "(run 11000000936)" (already named beside it).
RUN_ID = re.compile(r"(?<!\()\b[Rr]un (\d+)\b")


class RunNames:
    """The runs a dialog knows (the console's list, the action's own), by id."""

    def __init__(self, runs: Iterable[WorkflowRun] = ()) -> None:
        self._runs = {run.id: run for run in runs}

    def learn(self, run: WorkflowRun | None) -> None:
        if run is not None:
            self._runs[run.id] = run

    def label(self, run_id: int | None) -> str:
        run = self._runs.get(run_id) if run_id is not None else None
        return run_label(run) if run is not None else f"run {run_id or '-'}"

    def __call__(self, text: str) -> str:
        """``text`` with every known ``run <id>`` replaced by its name; unknown ids stay as written."""
        return RUN_ID.sub(lambda m: self.label(int(m.group(1))) if int(m.group(1)) in self._runs else m.group(0),
                          text)
