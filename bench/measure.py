"""Run a command as a child process and measure what the user would: wall time, CPU, peak RSS, exit.

Peak RSS is the kernel's high-water mark of the child's own address space (``VmHWM`` in
``/proc/<pid>/status``), read while it runs; it only grows, so the last read is the peak. Not
``wait4``'s ``ru_maxrss``: Linux carries the parent's RSS across fork+exec into it, and the parent
here holds the sandbox with 10,000 images. CPU time (user + system) comes from ``wait4``.

Stdout goes to a temporary file, not a pipe: ``images --json`` on 10,000 images writes megabytes,
and a pipe nobody drains would block the child and inflate its time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float  # user + system time of the child: steadier than wall time on a busy machine
    max_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str


def run_child(cmd: list[str], env: dict[str, str], *, timeout: float = 300.0, keep_stdout: bool = True) -> Sample:
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = started + timeout
        peak = 0
        while True:
            peak = max(peak, _hwm_bytes(proc.pid))
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read() if keep_stdout else ""
        return Sample(elapsed, usage.ru_utime + usage.ru_stime, peak, proc.returncode, stdout, err.read()[-2000:])


def _hwm_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def child_env(base: dict[str, str], scratch: Path) -> dict[str, str]:
    """The sandbox's variables on top of a minimal environment; config, cache and state are fresh
    (a cold start must not find a warm HTTP cache from an earlier run)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR")}
    env.update(base)
    env.update({
        "GHAECR_CONSOLE_CONFIG": str(scratch / "no-config.toml"),
        "GHAECR_CONSOLE_STATE_DIR": str(scratch / "state"),
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    })
    return env


def repeat_interleaved(commands: dict[str, list[str]], env: dict[str, str], repeats: int,
                       *, warmup: int = 1, fresh_cache: Path | None = None) -> dict[str, list[Sample]]:
    """Run each command ``repeats`` times, round-robin, after ``warmup`` discarded rounds.

    Round-robin so that a slow patch of the machine (another engineer's test suite on the other core)
    hits every contender alike instead of one of them.
    """
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for round_no in range(warmup + repeats):
        for name, cmd in commands.items():
            run_env = env
            if fresh_cache is not None:
                cache = fresh_cache / f"{name}-{round_no}"
                run_env = {**env, "XDG_CACHE_HOME": str(cache)}
            sample = run_child(cmd, run_env)
            if sample.returncode != 0:
                raise RuntimeError(f"{name} failed ({sample.returncode}): {' '.join(cmd)}\n{sample.stderr}")
            if round_no >= warmup:
                samples[name].append(sample)
    return samples
