"""Typed errors. Each carries one sentence a person can act on.

Every layer raises these; the CLI prints ``str(error)`` and exits non-zero, the TUI shows it and
stays alive. Never put a token in a message.
"""

from __future__ import annotations

import signal
from datetime import datetime


class ConsoleError(Exception):
    """Base of every error the console reports to a person (one actionable sentence)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class Stopped(ConsoleError):
    """A signal (TERM, HUP, INT) stopped a command; exits 128 + the signal's number, like a shell."""

    def __init__(self, sig: int) -> None:
        name = signal.Signals(sig).name
        super().__init__(f"Stopped by {name}; an action under way is recorded as interrupted "
                         "(`ghaecr-console audit` shows it, and what became of it once it has ended).")
        self.exit_code = 128 + int(sig)


class ConfigError(ConsoleError):
    """Bad config file, bad flag value, missing required setting."""

    exit_code = 2


# --- GitHub -------------------------------------------------------------------------------------


class GitHubError(ConsoleError):
    """Any GitHub API failure."""


class AuthError(GitHubError):
    """Missing, bad or expired token."""

    exit_code = 4  # authentication needed, as gh exits


class PermissionDenied(GitHubError):
    """The token lacks a scope or permission (the message names which)."""


class NotFound(GitHubError):
    """Repository, run, workflow or environment does not exist (or the token cannot see it)."""


class RateLimited(GitHubError):
    """``retry_after``: the seconds GitHub asked to wait (its ``retry-after`` header), when it said."""

    def __init__(self, message: str, reset_at: datetime | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at
        self.retry_after = retry_after


class UncertainWrite(GitHubError):
    """A write got an answer that does not say whether it was carried out (5xx, timeout, dropped
    connection): it may have taken effect. Look for its effect; never send it again blindly."""


class NetworkError(ConsoleError):
    """The server could not be reached at all."""


# --- AWS / ECR ----------------------------------------------------------------------------------


class AwsError(ConsoleError):
    """Any AWS failure."""


class AwsCredentialsError(AwsError):
    """No credentials, or expired ones (the message says how to log in)."""

    exit_code = 4  # authentication needed


class EcrRepositoryNotFound(AwsError):
    pass


class EcrImageNotFound(AwsError):
    pass


class EcrThrottled(AwsError):
    pass


# --- Plans and actions --------------------------------------------------------------------------


class PlanError(ConsoleError):
    """An action cannot be planned: unknown target, no previous image, keep < 1, nothing pending."""


class ActionError(ConsoleError):
    """An action was attempted and failed (dispatch rejected, run failed, verification failed)."""


class OutcomeUnknown(ActionError):
    """A write took effect (or may have) but how it ended cannot be told: GitHub stayed unreadable
    past the console's patience. Audited ``unknown``, never ``failed``; the message says where to look."""

    exit_code = 3


class ReadOnlyError(ConsoleError):
    """A write was attempted in read-only mode."""
