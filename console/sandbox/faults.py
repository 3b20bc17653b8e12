"""Fault injection knobs for the GitHub stand-in (tests flip them at any time)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    "pending": "actions=read",
    "review": "deployments=write",
    "environments": "environments=read",
    "deployments": "deployments=read",
    "compare": "contents=read",
    "contents": "contents=read",
}


@dataclass
class Faults:
    latency_s: float = 0.0  # added before every GitHub stand-in response
    error_rate: float = 0.0  # probability (0..1) of a random 500/502/503
    fail_next_5xx: int = 0  # the next N requests answer 502, then it counts down to 0
    secondary_rate_limit: float | None = None  # retry-after seconds: every request gets GitHub's 403
    unauthorized: bool = False  # every request answers 401 "Bad credentials"
    dispatch_details_unsupported: bool = False  # an older server: 422 on return_run_details
    # Route kinds (keys of ROUTE_PERMISSIONS) answered with GitHub's 403 for a token that lacks the
    # permission, e.g. {"dispatch"}: "Resource not accessible by personal access token".
    forbidden: set[str] = field(default_factory=set)

    def reset(self) -> None:
        self.__init__()  # type: ignore[misc]

    def __setattr__(self, name: str, value: object) -> None:
        if name == "forbidden":
            unknown = set(value) - set(ROUTE_PERMISSIONS)  # type: ignore[call-overload]
            if unknown:  # a typo would silently test nothing
                raise ValueError(f"unknown route kind(s) {sorted(unknown)}; one of {sorted(ROUTE_PERMISSIONS)}")
            value = set(value)  # type: ignore[call-overload]
        super().__setattr__(name, value)
