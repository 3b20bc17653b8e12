"""Alerts: a new approval waiting, a failed run on main or a tag, the end of an operator action — as a
toast, and per the config's ``notify`` as the terminal bell, a desktop notification, both or neither."""

from __future__ import annotations

from collections.abc import Callable

from console.model.alerts import desktop_sequences, failed_on_main_or_tag
from console.model.snapshot import Snapshot


class Alerts:
    def __init__(self, mode: str, main_branch: str, ring: Callable[[], None], write: Callable[[str], None]) -> None:
        """``ring``: the terminal bell; ``write``: raw output to the terminal (the app's driver)."""
        self.mode = mode
        self.main_branch = main_branch
        self._ring = ring
        self._write = write
        self._failed: set[int] | None = None  # None until the first snapshot: old failures are not news
        # Runs seen waiting for a review: a rejection ends them "failure" too, and that is a reviewer's
        # decision, not news (GitHub's run does not say which; the approval had its own alert).
        self._reviewed: set[int] = set()

    def raise_(self, title: str, body: str) -> None:
        if self.mode in ("bell", "both"):
            self._ring()
        if self.mode in ("desktop", "both"):
            self._write(desktop_sequences(title, body))

    def new_failures(self, snapshot: Snapshot) -> list[str]:
        """Alert each run on main or a release tag that failed since the last snapshot; their labels."""
        self._reviewed |= {run.id for run, _ in snapshot.approvals}
        failed = failed_on_main_or_tag(snapshot.runs, self.main_branch) - self._reviewed
        new = failed - self._failed if self._failed is not None else set()
        self._failed = failed if self._failed is None else self._failed | failed
        runs = [r for r in snapshot.runs if r.id in new]
        for run in runs:
            self.raise_("Run failed", f"{run.name or run.workflow} #{run.run_number} on {run.head_branch}")
        return [f"{run.name or run.workflow} #{run.run_number}" for run in runs]
