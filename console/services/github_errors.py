"""GitHub failures as console.errors types (one actionable sentence), and the retry policy.

Retries: 5xx up to ``max_5xx`` times with a short exponential backoff (or the server's
``retry-after``); a secondary rate limit is retried once when its ``retry-after`` is short; a read
whose connection dropped before any answer is sent again once, at once, on a fresh connection (a
kept-alive connection the server closed as the request went out: between two polls every server
closes idle connections, and a loaded machine widens the moment they cross). Every wait is capped,
so one call never waits longer than ``max_wait * (max_5xx + 1)``.
Primary rate limits are never waited out: the caller gets RateLimited with the reset time.

A write (POST) is never retried after an answer that does not say whether it was carried out (a 5xx,
a read timeout, a dropped connection): GitHub may have dispatched the run or recorded the review, and
sending it again would do it twice. The caller gets UncertainWrite and looks for the effect instead.
A write that never reached GitHub (connection refused) or that GitHub rejected (4xx, rate limits) did
nothing and is safe to repeat.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from githubkit.exception import (
    GitHubException,
    PrimaryRateLimitExceeded,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
    SecondaryRateLimitExceeded,
)
from githubkit.retry import RetryOption

from console.errors import (
    AuthError,
    ConsoleError,
    GitHubError,
    NetworkError,
    NotFound,
    PermissionDenied,
    RateLimited,
    UncertainWrite,
)

REPEATABLE = frozenset({"GET", "HEAD", "OPTIONS"})  # what the console sends more than once
# The connection broke before any answer came: the server hung up (RemoteProtocolError) or reset it.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
TOKEN_HINT = "run `gh auth login` or set GH_TOKEN (GH_ENTERPRISE_TOKEN for GitHub Enterprise) to a valid token"


class RetryPolicy:
    """githubkit ``auto_retry`` decision: bounded attempts, bounded waits."""

    def __init__(self, max_5xx: int = 3, backoff: float = 0.5, max_wait: float = 10.0) -> None:
        self.max_5xx = max_5xx
        self.backoff = backoff
        self.max_wait = max_wait
        self.retries = 0  # how many retries were made (for tests and the bench)

    def __call__(self, exc: GitHubException, retry_count: int) -> RetryOption:
        if _method(exc) not in REPEATABLE and may_have_taken_effect(exc):
            return RetryOption(False)  # the caller looks for the effect (see the module doc)
        if isinstance(exc, SecondaryRateLimitExceeded):
            wait = exc.retry_after.total_seconds()
            if retry_count < 1 and wait <= self.max_wait:
                return self._retry(wait)
            return RetryOption(False)
        if isinstance(exc, RateLimitExceeded):
            return RetryOption(False)
        if isinstance(exc, RequestFailed) and exc.response.status_code >= 500 and retry_count < self.max_5xx:
            after = _retry_after(exc.response.headers)
            wait = self.backoff * (2**retry_count) if after is None else after
            return self._retry(min(wait, self.max_wait))
        if isinstance(exc, RequestTimeout) and retry_count < 1:
            return self._retry(self.backoff)
        if isinstance(exc, RequestError) and isinstance(exc.exc, DROPPED) and retry_count < 1:
            return self._retry(0.0)  # only reads get here (the check above): a fresh connection, now
        return RetryOption(False)

    def _retry(self, seconds: float) -> RetryOption:
        self.retries += 1
        # Never zero: githubkit reads a zero wait as none given and sleeps 60 s (a "retry-after: 0" too).
        return RetryOption(True, timedelta(seconds=max(seconds, 0.001)))


def _method(exc: GitHubException) -> str:
    request = getattr(exc, "request", None) if isinstance(exc, (RequestFailed, RequestTimeout)) else None
    if request is None and isinstance(exc, RequestError) and isinstance(exc.exc, httpx.RequestError):
        try:
            request = exc.exc.request
        except RuntimeError:  # httpx raises when the error carries no request
            request = None
    return request.method.upper() if request is not None else "GET"


def may_have_taken_effect(exc: BaseException) -> bool:
    """The request may have reached GitHub and been carried out, and the answer does not say."""
    if isinstance(exc, RateLimitExceeded):
        return False  # refused before any work
    if isinstance(exc, RequestFailed):
        return exc.response.status_code >= 500
    if isinstance(exc, RequestTimeout):
        return not isinstance(exc.exc, (httpx.ConnectTimeout, httpx.PoolTimeout))  # those never sent it
    if isinstance(exc, RequestError):
        return not isinstance(exc.exc, (httpx.ConnectError, httpx.UnsupportedProtocol, httpx.InvalidURL))
    return False


def _uncertain(exc: BaseException, action: str) -> UncertainWrite:
    if isinstance(exc, RequestFailed):
        what = f"answered {exc.response.status_code}"
    elif isinstance(exc, RequestTimeout):
        what = "did not answer in time"
    else:
        what = f"dropped the connection ({type(getattr(exc, 'exc', exc)).__name__})"
    return UncertainWrite(f"GitHub {what} to '{action}', so it may or may not have been done")


def _retry_after(headers: httpx.Headers) -> float | None:
    try:
        return float(headers["retry-after"]) if "retry-after" in headers else None
    except ValueError:
        return None


def reset_time(headers: httpx.Headers) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(headers["x-ratelimit-reset"]), tz=UTC)
    except (KeyError, ValueError):
        return None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text[:200].split())
    text = str(body.get("message", "")) if isinstance(body, dict) else ""
    return " ".join(text.split()).rstrip(".")  # one line, whatever the server sent


def map_github_error(
    exc: BaseException, *, base_url: str, repo: str, action: str, not_found: str | None = None, write: bool = False
) -> ConsoleError:
    """The typed error for a failed GitHub call. ``action`` names what was attempted ("list runs");
    ``write``: a request that must not be repeated (an ambiguous answer becomes UncertainWrite)."""
    if isinstance(exc, ConsoleError):
        return exc
    if write and may_have_taken_effect(exc):
        return _uncertain(exc, action)
    if isinstance(exc, RequestFailed):
        return _from_response(exc, exc.response.raw_response, repo=repo, action=action, not_found=not_found)
    if isinstance(exc, RequestTimeout):
        return NetworkError(f"GitHub at {base_url} did not answer in time ({action}); check the network or try again.")
    if isinstance(exc, RequestError):
        return NetworkError(f"Cannot reach GitHub at {base_url} ({type(exc.exc).__name__}); check the network, proxy or --github-url.")
    return GitHubError(f"GitHub call failed ({action}): {type(exc).__name__}.")


def _from_response(exc: RequestFailed, response: httpx.Response, *, repo: str, action: str, not_found: str | None) -> ConsoleError:
    status = response.status_code
    headers = response.headers
    message = _message(response)
    if isinstance(exc, RateLimitExceeded) or status == 429 or (status == 403 and "rate limit" in message.lower()):
        if isinstance(exc, SecondaryRateLimitExceeded) or "secondary" in message.lower():
            wait = _retry_after(headers) or 60
            until = datetime.now(UTC) + timedelta(seconds=wait)
            return RateLimited(
                f"GitHub's secondary rate limit stopped '{action}'; try again after {until:%H:%M:%S} UTC.", until, wait
            )
        reset = reset_time(headers)
        when = f"{reset:%H:%M:%S} UTC" if reset else "the reset time"
        kind = "primary " if isinstance(exc, PrimaryRateLimitExceeded) else ""
        return RateLimited(f"GitHub {kind}rate limit exhausted; it resets at {when} (wait, or use another token).", reset)
    if status == 401:
        return AuthError(f"GitHub rejected the token; {TOKEN_HINT}.")
    if status == 403:
        return PermissionDenied(_permission_sentence(headers, action, repo, message))
    if status in (404, 410):
        return NotFound(not_found or f"Repository {repo} not found, or the token cannot see it.")
    if status == 422:
        return GitHubError(f"GitHub refused to {action}: {message or 'validation failed'}.")
    if status >= 500:
        return GitHubError(f"GitHub answered {status} to '{action}' even after retries; try again in a minute.")
    return GitHubError(f"GitHub answered {status} to '{action}': {message or response.reason_phrase}.")


def _permission_sentence(headers: httpx.Headers, action: str, repo: str, message: str) -> str:
    needed = headers.get("x-accepted-github-permissions")
    scopes = headers.get("x-accepted-oauth-scopes")
    have = headers.get("x-oauth-scopes")
    if needed:
        return f"The token may not {action} on {repo}: it needs the '{needed}' permission (fine-grained token or app)."
    if scopes:
        extra = f" (it has: {have})" if have is not None else ""
        first = scopes.split(",")[0].strip()
        return f"The token may not {action} on {repo}: it needs the '{scopes}' scope{extra}; refresh it with `gh auth refresh -s {first}`."
    return f"GitHub refused to {action} on {repo} ({message or 'forbidden'}); check the token's permissions."
