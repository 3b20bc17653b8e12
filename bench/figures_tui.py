"""Figures 3, 5 and 6 from the TUI probe (bench/probe_tui.py) run as a child process."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench.environment import BenchEnv
from bench.measure import PYTHON, child_env, run_child
from bench.report import Row, median, percentile, seconds, spread

PROBE = str(Path(__file__).with_name("probe_tui.py"))
MB = 2**20


def probe(benv: BenchEnv, scratch: Path, *, keys: int | None, experiment: str = "") -> dict:
    env = child_env(benv.env(), scratch)
    if experiment:
        env["BENCH_EXPERIMENT"] = experiment
    cmd = [PYTHON, PROBE] + (["--keys", str(keys)] if keys else ["--no-keys"])
    env["BENCH_SPAWNED_AT"] = repr(time.time())
    sample = run_child(cmd, env, timeout=600)
    if sample.returncode != 0:
        raise RuntimeError(f"TUI probe failed ({sample.returncode}): {sample.stderr}")
    result = json.loads(sample.stdout.strip().splitlines()[-1])
    if result.get("complete_at") is None:
        raise RuntimeError("the overview never became complete (see bench/probe_tui.py overview_complete)")
    result["start_to_complete"] = result["complete_at"] - result["spawned_at"]
    result["mount_to_complete"] = result["complete_at"] - result["imports_done"]
    result["interpreter_and_imports"] = result["imports_done"] - result["spawned_at"]
    return result


def tui_results(benv: BenchEnv, scratch: Path, quick: bool, experiment: str = "") -> dict:
    """Cold starts (the last one also drives the keys), and as many with the candidate fixes of
    ``experiment`` interleaved; cached per environment."""
    cached = benv.results.get("tui")
    if cached is not None:
        return cached
    starts = 1 if quick else 3
    interact = benv.scale == "large"
    runs, fixed = [], []
    for _ in range(starts - 1):
        runs.append(probe(benv, scratch, keys=None))
        if experiment:
            fixed.append(probe(benv, scratch, keys=None, experiment=experiment))
    runs.append(probe(benv, scratch, keys=(30 if quick else 120) if interact else None))
    if experiment:
        fixed.append(probe(benv, scratch, keys=None, experiment=experiment))
    benv.results["tui"] = {"runs": runs, "last": runs[-1], "experiment": experiment, "fixed": fixed}
    return benv.results["tui"]


def cli_rss_rows(benv: BenchEnv) -> list[Row]:
    return [Row(f"6. peak RSS, {name} ({benv.scale})", f"{mb:.0f} MB", "", None, "<= 200 MB", mb <= 200,
                "VmHWM of the child process (largest of the timed runs)")
            for name, mb in benv.results.get("cli_rss_mb", {}).items()]


def _start_row(benv: BenchEnv, runs: list[dict], last: dict, experiment: str) -> Row:
    scale = benv.scale
    value = median([r["start_to_complete"] for r in runs])
    startup = median([r["interpreter_and_imports"] for r in runs])
    target = scale == "large" and not experiment
    phases = "".join(
        f"; {k[:-2]} {seconds(median([r['phases'][k] for r in runs if k in r.get('phases', {})]))}"
        for k in ("snapshot_s", "prepare_s") if any(k in r.get("phases", {}) for r in runs))
    label = f" with experiments {experiment}" if experiment else ""
    return Row(f"3. TUI start -> complete overview{label} ({scale})", seconds(value),
               f"interpreter + imports {seconds(startup)}", value / startup,
               ("<= 2 s (large)" if scale == "large" else "(no target)") if not experiment else "(diagnostic)",
               (value <= 2.0) if target else None,
               f"median of {len(runs)} cold starts (range {spread([r['start_to_complete'] for r in runs])}); "
               f"{last['images']:,} images, {last['runs']} runs loaded; "
               f"app start -> complete {seconds(median([r['mount_to_complete'] for r in runs]))}{phases}")


def figure_tui(figure: str, benv: BenchEnv, scratch: Path, quick: bool,
               experiment: str = "") -> tuple[list[Row], dict]:
    data = tui_results(benv, scratch, quick, experiment)
    runs, last = data["runs"], data["last"]
    scale = benv.scale
    if figure == "3":
        rows = [_start_row(benv, runs, last, "")]
        if data["fixed"]:
            rows.append(_start_row(benv, data["fixed"], data["fixed"][-1], data["experiment"]))
        return rows, {"runs": [{k: r[k] for k in ("start_to_complete", "mount_to_complete", "interpreter_and_imports")}
                               for r in runs], "fixed": [r["start_to_complete"] for r in data["fixed"]]}
    if figure == "5":
        rows = []
        raw = {}
        passes = (("scroll", "scrolling (down, pagedown)", last), ("typing", "typing a filter", last),
                  ("scroll", "scrolling, refresh paused", last.get("paused") or {}),
                  ("typing", "typing a filter, refresh paused", last.get("paused") or {}))
        for name, label, data in passes:
            values = data.get(name) or []
            if not values:
                rows.append(Row(f"5. key -> repaint, {label} ({scale})", "skipped", note="no interaction data"))
                continue
            p50, p95 = percentile(values, 50), percentile(values, 95)
            note = f"{len(values)} keys; max {seconds(max(values))}"
            if name == "scroll":
                note += f"; {data['lines_per_scroll_key']:.1f} table lines painted per key"
            else:
                note += f"; filtering a table of {data['total_rows']:,} rows"
            paused = "paused" in label
            rows.append(Row(f"5. key -> repaint, {label} ({scale})", f"p50 {seconds(p50)}, p95 {seconds(p95)}",
                            "", None, "p95 <= 50 ms" if not paused else "(diagnostic)",
                            (p95 <= 0.050) if not paused else None, note))
            raw[label] = {"p50": p50, "p95": p95, "max": max(values), "n": len(values)}
        return rows, raw
    if figure == "6":
        rss = last["rss_bytes"] / MB
        rows = [Row(f"6. peak RSS, TUI ({scale})", f"{rss:.0f} MB", "", None, "<= 200 MB", rss <= 200,
                    "VmHWM after loading, scrolling and filtering" if last.get("scroll") else "VmHWM after loading")]
        rows += cli_rss_rows(benv)
        return rows, {"tui_mb": rss, **benv.results.get("cli_rss_mb", {})}
    raise ValueError(figure)
