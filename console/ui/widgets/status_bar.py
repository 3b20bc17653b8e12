"""One line under the views: data age, staleness with its reason, next poll, GitHub rate-limit budget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from console.actions.render import cell
from console.model import RateLimit
from console.model.format import ago, span
from console.ui.typed import console_of


@dataclass(frozen=True)
class DataState:
    loaded_at: datetime | None = None  # app clock when the last good snapshot arrived
    refreshing: bool = False
    stale_reason: str | None = None  # one sentence from console.errors
    next_at: datetime | None = None
    paused: bool = False
    rate_limit: RateLimit | None = None
    partial: tuple[str, ...] = ()  # Snapshot.errors: parts that failed while the rest loaded
    hint: str | None = None  # why the last key did nothing (App.say), for a few seconds


def status_line(state: DataState, now: datetime, read_only: bool = False) -> Text:
    text = Text()
    if state.loaded_at is None:
        text.append("◌ loading…" if not state.stale_reason else "⚠ no data", "bold yellow")
    elif state.stale_reason:
        text.append(f"⚠ STALE (data from {ago(state.loaded_at, now)})", "bold red")
    else:
        text.append("● live", "bold green")
        text.append(f" · updated {ago(state.loaded_at, now)}")
    if state.refreshing:
        text.append(" · refreshing…", "italic")
    elif state.paused:
        text.append(" · paused while a dialog is open", "italic")
    elif state.next_at is not None:
        text.append(f" · next in {span(max(state.next_at - now, now - now))}", "dim")
    limit = state.rate_limit
    if limit is not None:
        low = limit.limit and limit.remaining < limit.limit * 0.1
        text.append(f" · GitHub {limit.remaining:,}/{limit.limit:,}", "bold red" if low else "")
        if limit.reset_at is not None and low:
            text.append(f" (resets in {span(limit.reset_at - now)})", "red")
    if read_only:
        text.append(" · READ-ONLY", "bold magenta")
    if state.hint:
        text.append(f"\n› {state.hint}", "bold")
    if state.stale_reason:
        text.append(f"\n{state.stale_reason} Retrying by itself; r retries now.", "red")
    elif state.partial:
        text.append(f"\n⚠ {state.partial[0]}", "yellow")
    return cell(text)  # the reasons quote GitHub's and AWS's messages


class StatusBar(Static):
    DEFAULT_CSS = "StatusBar { height: auto; max-height: 3; padding: 0 1; background: $panel; }"

    def on_mount(self) -> None:
        self.draw()  # a screen pushed between the app's one-second ticks shows the state at once

    def draw(self) -> None:
        app = console_of(self)
        self.update(status_line(app.data, app.now(), app.settings.read_only))
