"""What every GitHub stand-in route shares: auth, faults, rate limit, ETag/304, pagination, recording.

Routes return a :class:`Reply`; :func:`endpoint` turns it into an HTTP response the way github.com
would: ``x-ratelimit-*`` headers, a weak ETag on every 200 GET with ``If-None-Match`` -> 304 (which
does not count against the rate limit), GitHub's JSON error bodies.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from console.sandbox.faults import ROUTE_PERMISSIONS, Faults
from console.sandbox.state import GitHubState
from console.sandbox.state import Request as Recorded

DOCS = "https://docs.github.com/rest"
TOKEN = "sandbox-token"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID ABCD:1234:5678."
)


@dataclass
class Reply:
    status: int = 200
    body: object = None  # JSON-able, or str for text/plain, or None
    headers: dict[str, str] = field(default_factory=dict)
    counted: bool = True  # counts against the rate limit
    etag: bool = True  # GET 200 gets an ETag


def error(status: int, message: str, doc: str = DOCS, **extra: object) -> Reply:
    return Reply(status, {"message": message, "documentation_url": doc, "status": str(status), **extra})


def not_found() -> Reply:
    return error(404, "Not Found", f"{DOCS}/actions")


def etag_of(payload: bytes) -> str:
    return 'W/"' + hashlib.sha256(payload).hexdigest()[:40] + '"'


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    wanted = etag.removeprefix("W/")
    return any(p.strip().removeprefix("W/") in (wanted, "*") for p in header.split(","))


def _authorized(request: Request) -> bool:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return scheme.lower() in ("bearer", "token") and token.strip() == TOKEN


def _ratelimit_headers(st: GitHubState) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(st.ratelimit_limit),
        "x-ratelimit-remaining": str(max(st.ratelimit_limit - st.ratelimit_used, 0)),
        "x-ratelimit-used": str(st.ratelimit_used),
        "x-ratelimit-reset": str(st.ratelimit_reset),
        "x-ratelimit-resource": "core",
    }


def _render(reply: Reply) -> tuple[bytes, str]:
    if reply.body is None:
        return b"", "application/json; charset=utf-8"
    if isinstance(reply.body, str):
        return reply.body.encode(), "text/plain; charset=utf-8"
    return json.dumps(reply.body, separators=(",", ":")).encode(), "application/json; charset=utf-8"


def forbidden(kind: str) -> Reply:
    """GitHub's answer to a fine-grained token (or app) without the route's permission."""
    reply = error(403, "Resource not accessible by personal access token")
    reply.headers["x-accepted-github-permissions"] = ROUTE_PERMISSIONS[kind]
    return reply


def _run_id(request: Request) -> int | None:
    try:
        return int(request.path_params["run_id"])
    except (KeyError, ValueError):
        return None


def _fault(faults: Faults, kind: str | None, request: Request) -> Reply | None:
    if faults.unauthorized:
        return error(401, "Bad credentials")
    if kind is not None and kind in faults.forbidden:
        return forbidden(kind)
    run_id = _run_id(request)
    wait = faults.rate_limited_for(reading_a_run=request.method == "GET" and kind == "runs" and run_id is not None)
    if wait is not None:
        reply = error(403, SECONDARY_MESSAGE, "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
        reply.headers["retry-after"] = str(wait)
        return reply
    if run_id is not None and request.method == "GET" and faults.not_found_yet(run_id):
        return not_found()  # GitHub sometimes cannot read a run it has just created
    if faults.fail_next_5xx > 0:
        faults.fail_next_5xx -= 1
        return error(502, "Server Error")
    if faults.error_rate and random.random() < faults.error_rate:
        return error(random.choice((500, 502, 503)), "Server Error")
    return None


Handler = Callable[[Request], Awaitable[Reply]]


def endpoint(handler: Handler, *, counted: bool = True, kind: str | None = None) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a route: faults and auth first, then the handler, then rate limit, ETag and recording.
    ``kind``: the route's name in ``Faults.forbidden`` (see faults.ROUTE_PERMISSIONS)."""

    async def route(request: Request) -> Response:
        st: GitHubState = request.app.state.github
        faults: Faults = request.app.state.faults
        delay = faults.latency_s + (faults.slow.get(kind, 0.0) if kind else 0.0)
        if delay:
            await request.body()  # received whole: a client that stops waiting does not undo the request
            await asyncio.sleep(delay)
        reply = _fault(faults, kind, request)
        if reply is None and not _authorized(request):
            reply = error(401, "Bad credentials")
        with st.lock:
            if reply is None and counted and st.ratelimit_used >= st.ratelimit_limit:
                reply = error(403, f"API rate limit exceeded for user ID {1042}. If you reach out to GitHub "
                              "Support for help, please include the request ID ABCD:1234:5678.",
                              f"{DOCS}/overview/rate-limits-for-the-rest-api")
        if reply is None:
            reply = await handler(request)
            reply.counted = reply.counted and counted
            if request.method == "POST" and reply.status < 300 and faults.take_write_fault(kind):
                reply = error(502, "Server Error")  # carried out, but the answer is lost
        else:
            reply.counted = False
        return finish(request, st, reply)

    return route


def finish(request: Request, st: GitHubState, reply: Reply) -> Response:
    payload, content_type = _render(reply)
    headers = {"content-type": content_type, "x-github-api-version-selected": "2022-11-28",
               "x-github-media-type": "github.v3; format=json",
               "x-github-request-id": f"5A3D:{len(st.requests):06X}:SANDBOX", **reply.headers}
    status = reply.status
    with st.lock:
        if time.time() >= st.ratelimit_reset:  # a new rate-limit window
            st.ratelimit_reset = int(time.time()) + 3600
            st.ratelimit_used = 0
        if request.method == "GET" and status == 200 and reply.etag:
            tag = etag_of(payload)
            headers["etag"] = tag
            headers["cache-control"] = f"private, max-age={st.cache_max_age}, s-maxage={st.cache_max_age}"
            headers["vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP"
            if _etag_matches(request.headers.get("if-none-match"), tag):
                status, payload = 304, b""
                reply.counted = False
        if reply.counted:
            st.ratelimit_used += 1
        if status != 401:
            headers.update(_ratelimit_headers(st))
        st.requests.append(Recorded(request.method, request.url.path, status, reply.counted))
    if status == 304:
        headers.pop("content-type", None)
    return Response(payload, status_code=status, headers=headers)


# --- pagination ---------------------------------------------------------------------------------


def page_params(request: Request, default: int = 30) -> tuple[int, int]:
    """(per_page, page) from the query, clamped like GitHub (per_page 1..100, page >= 1)."""
    try:
        per_page = int(request.query_params.get("per_page", default))
        page = int(request.query_params.get("page", 1))
    except ValueError:
        per_page, page = default, 1
    return min(max(per_page, 1), 100), max(page, 1)


def paginate(request: Request, items: list, default: int = 30) -> tuple[list, dict[str, str]]:
    """One page of ``items`` and a GitHub-style ``Link`` header (next, last, first, prev)."""
    per_page, page = page_params(request, default)
    last = max((len(items) + per_page - 1) // per_page, 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    repeat = getattr(request.app.state, "faults", None)
    if repeat is not None and repeat.repeat_items:
        chunk = chunk[: repeat.repeat_items] + chunk
    base = str(request.url.replace(query="")).rstrip("?")

    def url(n: int) -> str:
        query = dict(request.query_params) | {"per_page": str(per_page), "page": str(n)}
        return f"{base}?{urlencode(query)}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(1)}>; rel="first"', f'<{url(min(page - 1, last))}>; rel="prev"']
    return chunk, ({"link": ", ".join(links)} if links else {})
