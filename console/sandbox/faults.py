"""Fault injection knobs for the GitHub stand-in (tests flip them at any time).

Times are simulated seconds on the sandbox's clock (``clock``, set by Sandbox.start), so a test can
ask for GitHub's 60 s secondary rate limit and a console built with the same clock waits it out in
a fraction of a second, over real HTTP.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from console.sandbox.clock import SimClock

# Route kinds ``forbidden`` accepts, with the fine-grained permission GitHub names in
# ``x-accepted-github-permissions`` when a token lacks it (GET /user and /rate_limit need none).
ROUTE_PERMISSIONS = {
    "repo": "metadata=read",
    "workflows": "actions=read",
    "runs": "actions=read",
    "jobs": "actions=read",
    "logs": "actions=read",
    "dispatch": "actions=write",
    "cancel": "actions=write",
    "rerun": "actions=write",
    "pending": "actions=read",
    "review": "deployments=write",
    "environments": "environments=read",
    "deployments": "deployments=read",
    "compare": "contents=read",
    "contents": "contents=read",
    "attestations": "attestations=read",
    "variables": "actions_variables=read",
    "secrets": "secrets=read",
    "statuses": "statuses=read",
    "protection_rules": "actions=read",
}
WRITE_KINDS = frozenset({"dispatch", "review", "cancel", "rerun"})


@dataclass
class Faults:
    latency_s: float = 0.0  # added before every GitHub stand-in response
    error_rate: float = 0.0  # probability (0..1) of a random 500/502/503
    fail_next_5xx: int = 0  # the next N requests answer 502, then it counts down to 0
    secondary_rate_limit: float | None = None  # retry-after seconds: every request gets GitHub's 403
    secondary_limit_next: int = 0  # the next N requests get that 403 with retry-after 1, then it counts down to 0
    unauthorized: bool = False  # every request answers 401 "Bad credentials"
    dispatch_details_unsupported: bool = False  # an older server: 422 on return_run_details
    # Route kinds (keys of ROUTE_PERMISSIONS) answered with GitHub's 403 for a token that lacks the
    # permission, e.g. {"dispatch"}: "Resource not accessible by personal access token".
    forbidden: set[str] = field(default_factory=set)
    # Every list page repeats its first N items: what GitHub's offset pagination returns when items are
    # created between two page reads (here inside one page, so a single-page read meets it too).
    repeat_items: int = 0
    # Write kinds whose next POST is carried out and then answered 502 (each once): the answer is
    # lost, the run was dispatched / the review recorded all the same.
    write_then_5xx: set[str] = field(default_factory=set)
    new_run_404_reads: int = 0  # the first N reads of a dispatched run (run, jobs, pending, approvals) answer 404
    runs_list_delay_s: float = 0.0  # a dispatched run is missing from the runs lists this long after dispatch
    # The next read of one run starts GitHub's secondary rate limit for this many seconds: every
    # request is refused with ``retry-after`` until it ends (then the knob clears itself).
    secondary_limit_on_run_read: float | None = None
    # Route kind -> seconds added before its responses, e.g. {"runs": 3}: holds a client at one
    # step (tests stop the console there: after its intent, before or after a write request).
    slow: dict[str, float] = field(default_factory=dict)
    clock: SimClock | None = None  # None: wall time
    _dispatched: dict[int, float] = field(default_factory=dict)  # run id -> when it was dispatched
    _reads: dict[int, int] = field(default_factory=dict)  # run id -> reads of it so far
    _limited_until: float | None = None

    def reset(self) -> None:
        vars(self).update(vars(Faults(clock=self.clock)))

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("forbidden", "write_then_5xx"):
            allowed = ROUTE_PERMISSIONS if name == "forbidden" else WRITE_KINDS
            if not isinstance(value, Iterable):
                raise TypeError(f"{name} takes route kinds, one of {sorted(allowed)}")
            unknown = set(value) - set(allowed)
            if unknown:  # a typo would silently test nothing
                raise ValueError(f"unknown route kind(s) {sorted(unknown)}; one of {sorted(allowed)}")
            value = set(value)
        super().__setattr__(name, value)

    def now(self) -> float:
        return self.clock.monotonic() if self.clock is not None else time.monotonic()

    def note_dispatch(self, run_id: int) -> None:
        self._dispatched[run_id] = self.now()

    def hides(self, run_id: int, seconds: float) -> bool:
        """Was ``run_id`` dispatched less than ``seconds`` ago?"""
        at = self._dispatched.get(run_id)
        return seconds > 0 and at is not None and self.now() - at < seconds

    def not_found_yet(self, run_id: int) -> bool:
        """One more read of ``run_id``: is it among the first ``new_run_404_reads`` after its dispatch?"""
        if run_id not in self._dispatched:
            return False
        self._reads[run_id] = self._reads.get(run_id, 0) + 1
        return self._reads[run_id] <= self.new_run_404_reads

    def take_write_fault(self, kind: str | None) -> bool:
        """True once per kind in ``write_then_5xx``: answer this carried-out write with a 502."""
        if kind in self.write_then_5xx:
            self.write_then_5xx = self.write_then_5xx - {kind}
            return True
        return False

    def rate_limited_for(self, reading_a_run: bool) -> int | None:
        """Seconds left of a secondary rate limit (whole, at least 1), or None when there is none."""
        now = self.now()
        if reading_a_run and self.secondary_limit_on_run_read is not None:
            self._limited_until = now + self.secondary_limit_on_run_read
            self.secondary_limit_on_run_read = None
        if self.secondary_rate_limit is not None:
            return int(self.secondary_rate_limit)
        if self.secondary_limit_next > 0:
            self.secondary_limit_next -= 1
            return 1
        if self._limited_until is None:
            return None
        left = self._limited_until - now
        if left <= 0:
            self._limited_until = None
            return None
        return max(1, math.ceil(left))
