"""Human formatting shared by the CLI tables, the actions' previews and the TUI. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.model.environments import TargetState
    from console.model.runs import WorkflowRun


def ago(then: datetime | None, now: datetime) -> str:
    """Compact age: "12s ago", "5m 03s ago", "3h 05m ago", "4d 2h ago"; "-" when unknown."""
    if then is None:
        return "-"
    return f"{span(now - then)} ago" if now >= then else "just now"


def span(delta: timedelta | None) -> str:
    """Compact duration: "45s", "3m 12s", "12m", "2h 05m", "3d 4h"; "-" when unknown."""
    if delta is None:
        return "-"
    seconds = max(int(delta.total_seconds()), 0)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s" if minutes < 10 else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def stamp(when: datetime | None) -> str:
    """Absolute UTC time for tables: "2026-11-27 04:12"."""
    return when.strftime("%Y-%m-%d %H:%M") if when else "-"


def human_size(num_bytes: int) -> str:
    """Decimal units, as registries and `docker images` show them: "48.8 MB"."""
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - unreachable


UNKNOWN = "unknown"  # what the console says when it cannot tell (README: "since", "via", unknown)


def since_label(state: TargetState, now: datetime) -> str:
    """When the environment got this digest: an age, "unknown", or "-" when nothing runs."""
    if state.digest is None:
        return "-"
    return ago(state.since, now) if state.since else UNKNOWN


def run_of(state: TargetState, runs: Iterable[WorkflowRun]) -> WorkflowRun | None:
    """The listed run that made the deployment behind ``state`` (None: unknown, or not listed)."""
    run_id = state.run_id
    return next((r for r in runs if r.id == run_id), None) if run_id is not None else None


def via_parts(state: TargetState, runs: Iterable[WorkflowRun]) -> tuple[str, str]:
    """(the run that made the deployment behind ``state``, who created it): ("CD #38", "octo");
    "run 123" when that run is not among the listed ones; "unknown" for what the console cannot
    tell; ("-", "") when nothing runs."""
    if state.digest is None:
        return "-", ""
    deployment = state.deployment
    if deployment is None:
        return UNKNOWN, ""
    run = run_of(state, runs)
    name = f"{run.name} #{run.run_number}" if run else f"run {deployment.run_id or UNKNOWN}"
    return name, deployment.creator or UNKNOWN


def via_label(state: TargetState, runs: Iterable[WorkflowRun]) -> str:
    """Through what the digest got there: "CD #38 by octo", "unknown", or "-" when nothing runs."""
    run, creator = via_parts(state, runs)
    return f"{run} by {creator}" if creator else run
