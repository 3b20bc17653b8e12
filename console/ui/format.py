"""Pure text helpers for the console: ages, durations, sizes, status words. No Textual here."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.text import Text

from console.model import Deployment, WorkflowRun

# One glyph + one style per run outcome, so a status reads the same on every screen.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "success": ("✓", "green"),
    "failure": ("✗", "bold red"),
    "cancelled": ("⊘", "dim"),
    "skipped": ("»", "dim"),
    "timed_out": ("✗", "red"),
    "action_required": ("!", "yellow"),
    "neutral": ("·", "dim"),
    "stale": ("·", "dim"),
    "startup_failure": ("✗", "red"),
    "in_progress": ("●", "bold yellow"),
    "queued": ("○", "yellow"),
    "pending": ("○", "yellow"),
    "requested": ("○", "yellow"),
    "waiting": ("⏸", "bold magenta"),
    "error": ("✗", "red"),
    "inactive": ("·", "dim"),
}


def status_text(word: str | None) -> Text:
    """A coloured "glyph word" for a run/job/step/deployment status."""
    word = word or "unknown"
    glyph, style = STATUS_STYLE.get(word, ("?", ""))
    return Text(f"{glyph} {word.replace('_', ' ')}", style=style)


def run_status(run: WorkflowRun) -> Text:
    return status_text(run.outcome)


def ago(then: datetime | None, now: datetime) -> str:
    """Compact age: "12s ago", "5m ago", "3h ago", "4d ago"; "-" when unknown."""
    if then is None:
        return "-"
    return f"{span(now - then)} ago" if now >= then else "just now"


def span(delta: timedelta | None) -> str:
    """Compact duration: "45s", "3m 12s", "2h 5m", "3d 4h"; "-" when unknown."""
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


def size(num_bytes: int) -> str:
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover - unreachable


def run_label(run: WorkflowRun) -> str:
    """ "CD #42" """
    return f"{run.name} #{run.run_number}"


def deployment_run(deployment: Deployment, runs: tuple[WorkflowRun, ...]) -> WorkflowRun | None:
    """The run behind a deployment: the id its payload names, else the newest run of that commit and ref."""
    if deployment.run_id is not None:
        return next((r for r in runs if r.id == deployment.run_id), None)
    same = [r for r in runs if r.head_sha == deployment.sha and r.head_branch == deployment.ref]
    return max(same, key=lambda r: (r.workflow == "cd.yml", r.created_at), default=None)


def web_base(github_url: str) -> str:
    """The web address that matches an API address (api.github.com, GHES /api/v3, or a stand-in)."""
    url = github_url.rstrip("/")
    if url == "https://api.github.com":
        return "https://github.com"
    if url.endswith("/api/v3"):
        return url[: -len("/api/v3")]
    return url
