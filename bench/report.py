"""One row per figure, printed as a rich table and saved as JSON/Markdown for bench/README.md."""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass
class Row:
    figure: str  # "1. images --json (large)"
    value: str  # what was measured, formatted
    baseline: str = ""  # the same-run baseline it is compared with, formatted
    ratio: float | None = None  # value / baseline where both are times
    target: str = ""  # the target, in words
    met: bool | None = None  # None: informational, no target
    note: str = ""

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "-"}[self.met]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def spread(values: list[float]) -> str:
    """min–max of the samples, for the notes: how much a median can be trusted."""
    return f"{seconds(min(values))}–{seconds(max(values))}"


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: a p95 is a latency someone actually saw)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def render(rows: list[Row], title: str, console: Console | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for column in ("figure", "value", "baseline (same run)", "ratio", "target", "verdict", "note"):
        table.add_column(column, overflow="fold")
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        style = {True: "green", False: "bold red", None: "dim"}[row.met]
        table.add_row(row.figure, row.value, row.baseline, ratio, row.target,
                      f"[{style}]{row.verdict}[/]", row.note)
    (console or Console()).print(table)


def markdown(rows: list[Row]) -> str:
    lines = ["| figure | value | baseline (same run) | ratio | target | verdict | note |",
             "|---|---|---|---|---|---|---|"]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        cells = (row.figure, row.value, row.baseline, ratio, row.target, row.verdict, row.note)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


START, END = "<!-- results:start -->", "<!-- results:end -->"


def write_readme(readme: Path, rows: list[Row], header: str) -> None:
    """Replace the results block of bench/README.md (between the markers) with this run's table."""
    text = readme.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"{readme} lacks the {START} ... {END} markers")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n{header}\n\n{markdown(rows)}{END}{after}")


def save(rows: list[Row], raw: dict, path: Path) -> None:
    path.write_text(json.dumps({"rows": [asdict(r) for r in rows], "raw": raw}, indent=2, default=str))
