"""Simulated time: wall time since start, scaled by ``speed``, anchored at a fixed instant.

Tests run with a high speed so a pipeline run of a few simulated minutes takes well under a
second of wall time; the interactive sandbox uses speed 1 (real seconds).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta


class SimClock:
    def __init__(self, anchor: datetime | None = None, speed: float = 1.0) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.anchor = (anchor or datetime.now(UTC)).replace(microsecond=0)
        self.speed = speed
        self._t0 = time.monotonic()
        self._frozen: float | None = None  # elapsed wall seconds at pause()

    @property
    def paused(self) -> bool:
        return self._frozen is not None

    def pause(self) -> None:
        """Stop simulated time: ``now()`` stands still and sleeping runs stay asleep."""
        if self._frozen is None:
            self._frozen = time.monotonic() - self._t0

    def resume(self) -> None:
        if self._frozen is not None:
            self._t0 = time.monotonic() - self._frozen
            self._frozen = None

    def monotonic(self) -> float:
        """Simulated seconds since start, unrounded (with ``sleep``: a services.clock.Clock, so
        the console's waits can run in simulated time against the sandbox)."""
        wall = self._frozen if self._frozen is not None else time.monotonic() - self._t0
        return wall * self.speed

    def now(self) -> datetime:
        wall = self._frozen if self._frozen is not None else time.monotonic() - self._t0
        return (self.anchor + timedelta(seconds=wall * self.speed)).replace(microsecond=0)

    async def sleep(self, sim_seconds: float) -> None:
        await asyncio.sleep(max(sim_seconds, 0) / self.speed)
        while self.paused:  # a paused pipeline: runs stay exactly where they are
            await asyncio.sleep(0.02)


def iso(dt: datetime | None) -> str | None:
    """GitHub's timestamp format: ``2026-11-27T04:28:48Z``."""
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
