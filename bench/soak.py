"""Soak: the TUI for a long while on a faulty sandbox, operated like a person would, watching memory.

    python bench/soak.py [--minutes 10] [--faults 0.2] [--key-every 2] > soak.json

The parent runs the sandbox (20 % of GitHub requests answer 5xx, a push to main every simulated
few minutes) and, every ``--action-every`` seconds, a CLI rollback with --yes (which may fail under
the faults: what matters is that it is recorded). A child process runs the console headless
through Pilot and presses a key every ``--key-every`` seconds, cycling through the views and
opening and closing screens (help, audit log, rollback and prune dialogs, a run's detail). The
child samples its RSS every 10 s. The report: crashes, RSS at start / end / peak, and whether the
audit log is consistent (every line a record, every intent closed by an outcome, a `succeeded`
record for each action that exited 0).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# One round of keys: views, screens opened then closed, a run's detail and back, a refresh.
ROUND = ("1", "2", "enter", "escape", "3", "4", "5", "question_mark", "escape", "A", "escape",
         "b", "escape", "P", "escape", "1", "r")
OUTCOMES = {"succeeded", "failed", "refused", "cancelled", "interrupted", "unknown"}


def rss_bytes(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


# --- the child: the console under Pilot ------------------------------------------------------------

async def drive(minutes: float, key_every: float) -> dict:
    from console.cli import build_parser, load_settings
    from console.services.backend import Backend
    from console.ui.app import GhaecrApp

    settings = load_settings(build_parser().parse_args([]))
    app = GhaecrApp(Backend.from_settings(settings), settings)
    samples: list[tuple[float, int]] = []
    keys = 0
    started = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(5)  # the first load
        samples.append((0.0, rss_bytes()))
        while time.monotonic() - started < minutes * 60:
            await pilot.press(ROUND[keys % len(ROUND)])
            keys += 1
            await pilot.pause(key_every)
            elapsed = time.monotonic() - started
            if elapsed - samples[-1][0] >= 10:
                samples.append((elapsed, rss_bytes()))
        samples.append((time.monotonic() - started, rss_bytes()))
    crashed = app._exception is not None  # an unhandled error ends a Textual app
    return {
        "keys": keys,
        "crashes": int(crashed),
        "crash": repr(app._exception) if crashed else None,
        "rss_start_mb": round(samples[0][1] / 2**20, 1),
        "rss_end_mb": round(samples[-1][1] / 2**20, 1),
        "rss_peak_mb": round(rss_bytes("VmHWM") / 2**20, 1),
        "rss_samples_mb": [(round(t), round(b / 2**20, 1)) for t, b in samples],
    }


# --- the parent: sandbox, faults, actions, the report ----------------------------------------------

def audit_consistency(path: Path, succeeded: int) -> dict:
    """Every line a JSON record; every intent closed by a final outcome under its request id; at
    least one ``succeeded`` record per action that exited 0."""
    lines = path.read_text().splitlines() if path.exists() else []
    records, broken = [], 0
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            broken += 1
            continue
        if isinstance(record, dict):
            records.append(record)
        else:
            broken += 1
    intents = {r.get("request_id") for r in records if r.get("outcome") == "intent"}
    closed = {r.get("request_id") for r in records if r.get("outcome") in OUTCOMES - {"interrupted"}}
    recorded_ok = sum(1 for r in records if r.get("outcome") == "succeeded")
    open_attempts = sorted(str(i) for i in intents - closed)
    return {"lines": len(lines), "unreadable": broken, "open_intents": open_attempts,
            "succeeded_actions": succeeded, "succeeded_records": recorded_ok,
            "consistent": broken == 0 and not open_attempts and recorded_ok >= succeeded}


def soak(args: argparse.Namespace) -> dict:
    from console.sandbox import Sandbox

    state = Path(args.state_dir or f"/tmp/ghaecr-soak-{os.getpid()}")
    state.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(speed=60.0, activity_s=600.0).start()
    sandbox.faults.error_rate = args.faults
    env = {**os.environ, **sandbox.env(), "GHAECR_CONSOLE_STATE_DIR": str(state),
           "GHAECR_CONSOLE_CONFIG": str(state / "none.toml")}
    child = subprocess.Popen([sys.executable, __file__, "--child", "--minutes", str(args.minutes),
                              "--key-every", str(args.key_every)], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    attempted, exits = 0, []
    try:
        deadline = time.monotonic() + args.minutes * 60
        next_action = time.monotonic() + args.action_every
        while child.poll() is None:
            time.sleep(1)
            if time.monotonic() >= next_action and time.monotonic() < deadline - 30:
                target = sandbox.targets[attempted % len(sandbox.targets)]
                done = subprocess.run([sys.executable, "-m", "console", "rollback", target, "--yes", "--reason", "soak"],
                                      env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
                attempted += 1
                exits.append({"target": target, "exit": done.returncode,
                              "error": done.stderr.strip().splitlines()[-1] if done.returncode else None})
                next_action = time.monotonic() + args.action_every
        out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
        sandbox.stop()
    try:
        report = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        report = {"crashes": 1, "crash": (err or out)[-2000:]}
    report.update(minutes=args.minutes, faults=args.faults, key_every_s=args.key_every,
                  child_exit=child.returncode, actions=exits,
                  audit=audit_consistency(state / "audit.jsonl", sum(1 for e in exits if e["exit"] == 0)))
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--faults", type=float, default=0.2, help="share of GitHub requests that answer 5xx")
    parser.add_argument("--key-every", type=float, default=2.0, help="seconds between keys")
    parser.add_argument("--action-every", type=float, default=120.0, help="seconds between CLI rollbacks")
    parser.add_argument("--state-dir", help="where the audit log goes (default: a new /tmp directory)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(drive(args.minutes, args.key_every))))
        return 0
    report = soak(args)
    print(json.dumps(report, indent=2))
    return 0 if report.get("crashes") == 0 and report["audit"]["consistent"] else 1


if __name__ == "__main__":
    sys.exit(main())
