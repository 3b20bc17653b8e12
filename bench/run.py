"""Benchmark ghaecr-console against the sandbox and print one table (issue #6).

    python bench/run.py                 # small and large, full repeats (~5 min on 2 cores)
    python bench/run.py --scale large --quick
    python bench/run.py --only 1,4,7    # a subset of the figures

Every figure that has a natural baseline is compared with it in the same run (same machine, same
moment), so the ratios hold anywhere even where the absolute numbers do not. Writes
bench/results-<scale>.json and prints the Markdown table for bench/README.md with --markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console

from bench.environment import BenchEnv
from bench.report import Row, markdown, render, save, write_readme

HERE = Path(__file__).resolve().parent


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} CPUs ({cpu}), {system}, Python {platform.python_version()}"


def run_header(argv: list[str] | None, raw: dict, scales: tuple[str, ...]) -> str:
    import datetime
    import subprocess

    command = "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
    model = next((line.split(":", 1)[1].strip() for line in lscpu if line.startswith("Model name")), "?")
    loads = ", ".join(f"{s} {raw[s]['load_average_at_start'][0]:.2f}" for s in scales)
    minutes = sum(raw[s]["total_seconds"] for s in scales) / 60
    return "\n".join([
        f"`{command.strip()}` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{minutes:.1f} minutes in all.",
        "",
        f"Machine: `nproc` = {os.cpu_count()}, {model} (KVM guest), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; 1-minute load average when each scale started: {loads} (the "
        "other engineers' test suites shared these 2 cores; the CPU-time notes are the steadier figures).",
    ])


def figures_for(scale: str, only: set[str]) -> list[str]:
    wanted = ["1", "2", "3", "4", "5", "6", "7"] if scale == "large" else ["2", "3", "4", "7", "9"]
    return [f for f in wanted if not only or f in only]


def run_scale(scale: str, args: argparse.Namespace, console: Console) -> tuple[list[Row], dict]:
    repeats = 3 if args.quick else args.repeats
    rows: list[Row] = []
    raw: dict = {}
    wanted = figures_for(scale, args.only)
    started = time.perf_counter()
    raw["load_average_at_start"] = os.getloadavg()
    status = console.status(f"starting the {scale} sandbox")
    with tempfile.TemporaryDirectory(prefix=f"ghaecr-bench-{scale}-") as tmp, status:
        scratch = Path(tmp)
        benv = BenchEnv(scale).start()
        raw["setup_seconds"] = time.perf_counter() - started
        try:
            for figure in wanted:
                console.log(f"[{scale}] figure {figure} ...")
                try:
                    new_rows, new_raw = run_figure(figure, benv, scratch, repeats, args)
                except SkipFigure as skip:
                    new_rows, new_raw = [Row(f"{figure}. ({scale})", "skipped", note=str(skip))], {}
                except Exception as exc:
                    traceback.print_exc()
                    note = f"{type(exc).__name__}: {exc}"[:200]
                    new_rows, new_raw = [Row(f"{figure}. ({scale})", "ERROR", note=note)], {}
                rows.extend(new_rows)
                raw[figure] = new_raw
        finally:
            benv.stop()
    raw["total_seconds"] = time.perf_counter() - started
    return rows, raw


class SkipFigure(Exception):
    pass


def run_figure(figure: str, benv: BenchEnv, scratch: Path, repeats: int, args: argparse.Namespace):
    if figure == "1":
        from bench.figures_cli import figure_images

        return figure_images(benv, scratch, repeats, args.experiment)
    if figure == "2":
        from bench.figures_cli import figure_status

        return figure_status(benv, scratch, repeats)
    if figure in ("3", "5", "6"):
        from bench.figures_tui import figure_tui

        return figure_tui(figure, benv, scratch, args.quick, args.experiment)
    if figure == "4":
        from bench.figures_idle import figure_idle

        return asyncio.run(figure_idle(benv, args.quick))
    if figure == "7":
        from bench.figures_rollback import figure_rollback

        return asyncio.run(figure_rollback(benv))
    if figure == "9":  # (8 is bench/figure_repositories.py, run on its own)
        from bench.figures_notice import figure_notice

        return asyncio.run(figure_notice(benv, args.quick))
    raise SkipFigure(f"unknown figure {figure}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "large", "all"), default="all")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and keys (a smoke run, ~3 min)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per timed command (median reported)")
    parser.add_argument("--only", type=lambda s: set(s.split(",")), default=set(), help="figures, e.g. 1,4,7")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--write-readme", action="store_true", help="put this run's table into bench/README.md")
    parser.add_argument("--experiment", default="", metavar="NAMES",
                        help="figures 1 and 3 also time the console with these candidate fixes (bench/experiments.py)")
    args = parser.parse_args(argv)
    from bench.experiments import EXPERIMENTS

    unknown = [n for n in args.experiment.split(",") if n and n not in EXPERIMENTS]
    if unknown:
        parser.error(f"unknown experiment(s) {', '.join(unknown)}; known: {', '.join(EXPERIMENTS) or 'none yet'}")
    console = Console(width=max(Console().width, 180))
    scales = ("small", "large") if args.scale == "all" else (args.scale,)
    rows: list[Row] = []
    raw: dict = {"machine": machine()}
    for scale in scales:
        scale_rows, raw[scale] = run_scale(scale, args, console)
        rows.extend(scale_rows)
    loads = ", ".join(f"{scale} {raw[scale]['load_average_at_start'][0]:.2f}" for scale in scales)
    title = f"ghaecr-console bench — {machine()} — 1-min load average at start: {loads}"
    render(rows, title, console)
    out = HERE / f"results-{args.scale}{'-quick' if args.quick else ''}.json"
    save(rows, raw, out)
    console.log(f"raw figures: {out}")
    if args.markdown:
        print(markdown(rows))
    if args.write_readme:
        write_readme(HERE / "README.md", rows, run_header(argv, raw, scales))
    return 1 if any(r.met is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
