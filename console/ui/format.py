"""Text helpers for the console's tables: status words with glyphs, run labels, web links.

Ages, durations and sizes are in console.model.format (shared with the CLI)."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from console.github_host import web_url
from console.model import WorkflowRun
from console.model.text import plain


def with_data(template: str, **values: object) -> Content:
    """A markup template (``[b]$repo[/b]``) filled with data: Textual substitutes the values as
    text, so brackets in them are not markup; control characters are made visible first."""
    return Content.from_markup(template, **{name: plain(value, lines=True) for name, value in values.items()})

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
    # A hex violet: Textual's default palette draws ANSI magenta in the same red as "failure".
    # "‖", not "⏸" (U+23F8 is missing from DejaVu Sans Mono, Menlo and Consolas).
    "waiting": ("‖", "bold #af87ff"),
    "error": ("✗", "red"),
    "inactive": ("·", "dim"),
}


# Textual's default header icon "⭘" (U+2B58) is missing from common terminal fonts.
HEADER_ICON = "◆"


def status_text(word: str | None) -> Text:
    """A coloured "glyph word" for a run/job/step/deployment status."""
    word = word or "unknown"
    glyph, style = STATUS_STYLE.get(word, ("?", ""))
    return Text(f"{glyph} {word.replace('_', ' ')}", style=style)


def run_status(run: WorkflowRun) -> Text:
    return status_text(run.outcome)


def run_label(run: WorkflowRun) -> str:
    """ "CD #42" """
    return f"{run.name} #{run.run_number}"


def web_base(github_url: str) -> str:
    """The web address that matches an API address (api.github.com, GHES /api/v3, or a stand-in)."""
    return web_url(github_url)
