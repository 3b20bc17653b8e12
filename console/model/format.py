"""Human formatting shared by the CLI tables, the actions' previews and the TUI. Pure functions."""

from __future__ import annotations

from datetime import datetime, timedelta


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
