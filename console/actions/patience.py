"""Reads that must not give up: after a write has taken effect, the console keeps asking GitHub how
it went through a 404 right after a dispatch, a secondary rate limit (``retry-after: 60``) and
network blips, saying on screen why it waits, for up to ``bound`` seconds of consecutive failures.
Only then does the outcome become unknown (OutcomeUnknown: audited ``unknown``, never ``failed``).

Waits go through the GitHub service's clock (services.clock), so tests run them in simulated time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from console.actions.progress import Progress, ProgressFn
from console.errors import AuthError, ConsoleError, GitHubError, NetworkError, NotFound, OutcomeUnknown, PermissionDenied, RateLimited
from console.services.clock import REAL_CLOCK, Clock

T = TypeVar("T")

LOST_AFTER = 10 * 60.0  # seconds of failed reads before the outcome is "unknown"
NEW_RUN_GRACE = 60.0  # a run GitHub has just created may answer 404 for this long
FIRST_RETRY = 2.0
MAX_RETRY = 30.0
RATE_LIMIT_WAIT = 60.0  # GitHub's advice when a secondary rate limit names no retry-after


def clock_of(github: object) -> Clock:
    """The GitHub service's clock (a test double without one waits in wall time)."""
    clock: Clock | None = getattr(github, "clock", None)
    return clock or REAL_CLOCK


@dataclass
class Patience:
    """``read`` retried through transient failures; ``report`` says why it waits."""

    clock: Clock
    report: ProgressFn
    bound: float = LOST_AFTER
    not_found_grace: float = 0.0  # how long a NotFound counts as "not visible yet"

    async def read(self, what: str, read: Callable[[], Awaitable[T]], *, lost: str) -> T:
        """``read()``'s answer. ``what``: what is being read ("read run 12"); ``lost``: the sentence
        that ends OutcomeUnknown's message (where to look). Raises OutcomeUnknown after ``bound``
        seconds of failures, or at once for a failure that waiting cannot fix (token, permission)."""
        started = self.clock.monotonic()
        retry = FIRST_RETRY
        while True:
            try:
                return await read()
            except ConsoleError as exc:
                waited = self.clock.monotonic() - started
                wait, why = self._wait_for(exc, waited, retry)
                if wait is None or waited + wait > self.bound:
                    raise OutcomeUnknown(_gave_up(what, waited, exc, lost)) from exc
            self.report(Progress("wait", f"{why}; asking again in {_seconds(wait)} (to {what})"))
            await self.clock.sleep(wait)
            retry = min(retry * 2, MAX_RETRY)

    def _wait_for(self, exc: ConsoleError, waited: float, retry: float) -> tuple[float | None, str]:
        """How long to wait before asking again, and why; None: waiting will not help."""
        if isinstance(exc, (AuthError, PermissionDenied)):
            return None, ""
        if isinstance(exc, NotFound):
            if waited >= self.not_found_grace:
                return None, ""
            return retry, "GitHub does not show it yet (a new run can take a moment)"
        if isinstance(exc, RateLimited):
            return rate_limit_wait(exc), f"GitHub's rate limit ({exc})"
        if isinstance(exc, (GitHubError, NetworkError)):
            return retry, str(exc).rstrip(".")
        return None, ""


def rate_limit_wait(exc: RateLimited) -> float:
    """What GitHub asked for: ``retry-after``, else until the reset, else a minute."""
    if exc.retry_after is not None:
        return max(float(exc.retry_after), 1.0)
    if exc.reset_at is not None:
        return max((exc.reset_at - datetime.now(UTC)).total_seconds(), 1.0)
    return RATE_LIMIT_WAIT


def _seconds(wait: float) -> str:
    return f"{wait:.0f} s" if wait >= 1 else f"{wait:.1f} s"


def _gave_up(what: str, waited: float, exc: ConsoleError, lost: str) -> str:
    after = f" after {_seconds(waited)} of trying" if waited >= 1 else ""
    return f"Could not {what}{after} ({str(exc).rstrip('.')}); {lost}"
