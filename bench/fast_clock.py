"""Run the console's refresh loop faster than real time, for the idle figure and its test guard.

The app schedules each refresh with ``console.ui.app.next_delay`` and measures the age of its ECR
listing with ``time.monotonic``; both are swapped so that every delay is divided by ``speedup`` and
the app's clock jumps by what was skipped. The approval watch between polls
(``console.ui.approval_watch.watch_delay``) is divided by ``speedup`` too. Everything else (sandbox, services, Textual) stays real.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class FastClock:
    """``time`` as the app module sees it: real time plus the timer delays that were skipped."""

    def __init__(self) -> None:
        self.skipped = 0.0
        self.delays: list[float] = []  # every delay the app asked for, unscaled

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped

    def __getattr__(self, name: str):
        return getattr(time, name)


@contextmanager
def accelerated_refresh(speedup: float) -> Iterator[FastClock]:
    import console.ui.app as app_module
    import console.ui.approval_watch as watch_module

    clock = FastClock()
    original_delay, original_time = app_module.next_delay, app_module.time
    original_watch = watch_module.watch_delay

    def next_delay(*args, **kwargs) -> float:
        delay = original_delay(*args, **kwargs)
        clock.delays.append(delay)
        clock.skipped += delay - delay / speedup
        return delay / speedup

    def watch_delay() -> float:  # the approval watch between polls: as much faster, no clock jump of its own
        return original_watch() / speedup

    app_module.next_delay, app_module.time = next_delay, clock
    watch_module.watch_delay = watch_delay
    try:
        yield clock
    finally:
        app_module.next_delay, app_module.time = original_delay, original_time
        watch_module.watch_delay = original_watch
