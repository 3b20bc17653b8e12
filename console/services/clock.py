"""The clock every wait of the console goes through (follow polls, rate-limit waits, the wait for a
dispatched run to show up), so tests can run a 60 s wait in simulated time over real HTTP.

``REAL_CLOCK`` is wall time. The sandbox's ``SimClock`` has the same two methods; a GitHubService
built with it (``clock=``) waits in the sandbox's simulated seconds.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0.0))


REAL_CLOCK = RealClock()
