"""Figures 1 and 2 (and the CLI half of 6): the script-facing commands, as child processes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.environment import BenchEnv
from bench.measure import PYTHON, VENV_BIN, Sample, child_env, repeat_interleaved
from bench.report import Row, median, seconds, spread

FLOOR = str(Path(__file__).with_name("floor.py"))
CONSOLE = str(VENV_BIN / "ghaecr-console")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _digests(text: str) -> int:
    return len(set(DIGEST.findall(text)))


def _mb(sample_list: list[Sample]) -> float:
    return max(s.max_rss_bytes for s in sample_list) / 2**20


FIGURE1_ROUNDS = 9


def paired_ratio(samples: list[Sample], baseline: list[Sample]) -> float:
    return median([s.seconds / b.seconds for s, b in zip(samples, baseline)])


def figure_images(benv: BenchEnv, scratch: Path, repeats: int, experiment: str = "") -> tuple[list[Row], dict]:
    from bench.experiments import CLI_EXPERIMENTS

    env = child_env(benv.env(), scratch)
    experiment = ",".join(n for n in experiment.split(",") if n in CLI_EXPERIMENTS)
    if experiment:
        env["BENCH_EXPERIMENT"] = experiment
    commands = {
        "console": [CONSOLE, "images", "--json"],
        "floor": [PYTHON, FLOOR],
        "awscli": [str(VENV_BIN / "aws"), "ecr", "describe-images", "--repository-name", benv.ecr_repository,
                   "--output", "json"],
        "startup": [PYTHON, "-c", "import boto3"],  # the share of interpreter start-up + boto3 import
    }
    if experiment:  # the same command with candidate fixes applied, in the same rounds
        commands["console+fixes"] = [PYTHON, str(Path(__file__).with_name("console_experiment.py")), "images", "--json"]
    # At least 9 rounds: the three contenders differ by less than the server's own run-to-run spread.
    repeats = max(repeats, FIGURE1_ROUNDS)
    samples = repeat_interleaved(commands, env, repeats)
    med = {name: median([s.seconds for s in runs]) for name, runs in samples.items()}
    cpu = {name: median([s.cpu_seconds for s in runs]) for name, runs in samples.items()}
    found = {name: _digests(runs[-1].stdout) for name, runs in samples.items() if name != "startup"}
    # The console's JSON may name a digest twice (e.g. in "runs in"), so compare sets, not lines.
    same = found["console"] == found["floor"] == found["awscli"]
    scale = benv.scale
    # Paired per round (the same minute of the machine and of the server): the median of the
    # per-round ratios, which a slow patch hitting one contender moves less than a ratio of medians.
    ratio_floor = paired_ratio(samples["console"], samples["floor"])
    ratio_cli = paired_ratio(samples["console"], samples["awscli"])
    faster = sum(c.seconds < a.seconds for c, a in zip(samples["console"], samples["awscli"]))
    rows = [
        Row(f"1. images --json ({scale})", seconds(med["console"]), f"boto3 floor {seconds(med['floor'])}",
            ratio_floor, "<= 1.3x floor", ratio_floor <= 1.3,
            f"median of {repeats}, ratio per round (range {spread([s.seconds for s in samples['console']])}, floor "
            f"{spread([s.seconds for s in samples['floor']])}); {found['console']} images; "
            f"CPU {cpu['console']:.2f} s vs floor {cpu['floor']:.2f} s" + ("" if same else f"; MISMATCH {found}")),
        Row(f"1. images --json vs AWS CLI ({scale})", seconds(med["console"]),
            f"aws ecr describe-images {seconds(med['awscli'])}", ratio_cli, "< 1x AWS CLI", ratio_cli < 1.0,
            f"median of per-round ratios; faster in {faster} of {repeats} rounds; AWS CLI CPU {cpu['awscli']:.2f} s; "
            f"python+boto3 start-up alone {seconds(med['startup'])}"),
    ]
    if experiment:
        ratio = med["console+fixes"] / med["floor"]
        rows.append(Row(f"1. images --json with experiments {experiment} ({scale})", seconds(med["console+fixes"]),
                        f"floor {seconds(med['floor'])}; AWS CLI {seconds(med['awscli'])}", ratio,
                        "(diagnostic)", None,
                        f"vs AWS CLI {med['console+fixes'] / med['awscli']:.2f}x; CPU {cpu['console+fixes']:.2f} s"))
    raw = {name: [s.seconds for s in runs] for name, runs in samples.items()}
    raw["cpu"] = {name: [s.cpu_seconds for s in runs] for name, runs in samples.items()}
    raw["digests"] = found
    raw["rss_mb"] = {name: _mb(runs) for name, runs in samples.items()}
    benv.results.setdefault("cli_rss_mb", {})["images --json"] = raw["rss_mb"]["console"]
    return rows, raw


def figure_status(benv: BenchEnv, scratch: Path, repeats: int) -> tuple[list[Row], dict]:
    env = child_env(benv.env(), scratch)
    requests = benv.sandbox.state.requests
    before = len(requests)
    commands = {"status": [CONSOLE, "status", "--json"], "startup": [PYTHON, "-c", "import console.cli"]}
    # Each run gets an empty HTTP cache directory: "cold" means nothing to revalidate.
    samples = repeat_interleaved(commands, env, repeats, fresh_cache=scratch / "status-cache")
    per_run = (len(requests) - before) / (repeats + 1)
    med = {name: median([s.seconds for s in runs]) for name, runs in samples.items()}
    payload = json.loads(samples["status"][-1].stdout)
    rows = [Row(f"2. status --json, cold ({benv.scale})", seconds(med["status"]),
                f"python + import console.cli {seconds(med['startup'])}", med["status"] / med["startup"],
                "(no target)", None, f"median of {repeats} (range {spread([s.seconds for s in samples['status']])}); "
                f"{per_run:.0f} GitHub requests per run; "
                f"{len(payload) if isinstance(payload, (list, dict)) else '?'} top-level keys")]
    raw = {name: [s.seconds for s in runs] for name, runs in samples.items()}
    raw["rss_mb"] = {name: _mb(runs) for name, runs in samples.items()}
    raw["github_requests_per_run"] = per_run
    benv.results.setdefault("cli_rss_mb", {})["status --json"] = raw["rss_mb"]["status"]
    return rows, raw
