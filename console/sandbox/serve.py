"""``ghaecr-console sandbox serve``: run the sandbox alone and tell other processes how to reach it."""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from typing import TextIO

from console.errors import ConfigError


def export_lines(env: dict[str, str]) -> list[str]:
    return [f"export {name}={shlex.quote(value)}" for name, value in env.items()]


def serve(port: int = 0, images: int | None = None, runs: int | None = None, seed: int = 7, *,
          targets: tuple[str, ...] = ("minimal", "runtime"), speed: float = 1.0, activity_s: float | None = None, out: TextIO | None = None,
          stop: threading.Event | None = None, production_repository: str | None = None) -> int:
    """Start the sandbox, print ``export NAME=value`` lines on stdout, serve until SIGINT/SIGTERM
    (or ``stop`` is set). Progress and the stop hint go to stderr so ``eval "$(...)"`` stays clean."""
    from console.sandbox import Sandbox

    out = out or sys.stdout
    stop = stop or threading.Event()
    sandbox = Sandbox(seed=seed, images=images, runs=runs, targets=tuple(targets), speed=speed, port=port,
                      activity_s=activity_s, production_repository=production_repository)
    try:
        sandbox.start()
    except OSError as exc:
        sandbox.stop()
        raise ConfigError(f"Cannot serve the sandbox on 127.0.0.1:{port} ({exc.strerror or exc}); choose another --port.") from None
    previous = _install_handlers(stop)
    try:
        for line in export_lines(sandbox.env()):
            print(line, file=out, flush=True)
        print(f"# sandbox: GitHub stand-in {sandbox.github_url}, ECR {sandbox.ecr_endpoint_url}, "
              f"repository {sandbox.repo}; Ctrl-C stops it", file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()  # a second Ctrl-C while stopping only sets ``stop`` again
        _restore_handlers(previous)
    return 0


def _install_handlers(stop: threading.Event) -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda *_: stop.set())
    return previous


def _restore_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
