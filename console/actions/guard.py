"""Safety guards every write goes through: read-only mode and single-flight per repo+operation.

Single flight here is per process; ``dispatch.refuse_if_active`` asks GitHub for runs started from
other processes or machines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from console.config import Settings
from console.errors import ActionError, ConsoleError, PermissionDenied, ReadOnlyError

# In-process: a second press (TUI) or call (scripted CLI in one process) while the same operation
# on the same repository is still running must not dispatch again.
_in_flight: set[tuple[str, str]] = set()


class Refused(ActionError):
    """Refused before anything changed (audited as ``refused``, not ``failed``)."""


class Cancelled(ConsoleError):
    """The operator said no (or closed the confirmation); nothing was changed."""


class AlreadyRunning(Refused):
    """The same operation is already running (in this process, or as a workflow run on GitHub)."""


class NotPermitted(Refused, PermissionDenied):
    """GitHub refused the token a write (a missing permission); nothing was changed."""

    @classmethod
    def from_denial(cls, exc: PermissionDenied) -> NotPermitted:
        return cls(f"{exc.message.rstrip('.')}; nothing was changed.")


def ensure_writable(settings: Settings, action: str) -> None:
    """Refuse a write in read-only mode, before any request is made."""
    if settings.read_only:
        raise ReadOnlyError(
            f"read-only mode: {action} is disabled; drop --read-only "
            f"(or read_only for {settings.repo} in the config) to act."
        )


def is_running(repo: str, operation: str) -> bool:
    return (repo, operation) in _in_flight


@contextmanager
def single_flight(repo: str, operation: str) -> Iterator[None]:
    key = (repo, operation)
    if key in _in_flight:
        raise AlreadyRunning(f"A {operation} of {repo} is already running; wait for it to finish before starting another.")
    _in_flight.add(key)
    try:
        yield
    finally:
        _in_flight.discard(key)
