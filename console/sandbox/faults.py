"""Fault injection knobs for the GitHub stand-in (tests flip them at any time)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Faults:
    latency_s: float = 0.0  # added before every GitHub stand-in response
    error_rate: float = 0.0  # probability (0..1) of a random 500/502/503
    fail_next_5xx: int = 0  # the next N requests answer 502, then it counts down to 0
    secondary_rate_limit: float | None = None  # retry-after seconds: every request gets GitHub's 403
    unauthorized: bool = False  # every request answers 401 "Bad credentials"
    dispatch_details_unsupported: bool = False  # an older server: 422 on return_run_details

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]
