"""The githubkit client the GitHub service talks through, and the request counts it keeps."""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from githubkit import GitHub


@dataclass
class RequestStats:
    """Counts for regression guards and the bench: a 304 does not count against the rate limit."""

    total: int = 0
    not_modified: int = 0
    by_route: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # list items that could not be parsed

    @property
    def counted(self) -> int:
        return self.total - self.not_modified

    def reset(self) -> None:
        self.total = self.not_modified = self.skipped = 0
        self.by_route.clear()


@functools.cache
def shared_tls() -> ssl.SSLContext:
    """One TLS context for every GitHub client of the process, built as httpx builds its default
    (certifi's bundle, or SSL_CERT_FILE / SSL_CERT_DIR). httpx would load the CA bundle again for each
    client: ~30 ms of CPU per repository, most of the console's start with ten repositories."""
    return httpx.create_ssl_context()


class PooledGitHub(GitHub[Any]):
    """githubkit client that keeps ONE httpx client (one connection pool) for the service's life.

    githubkit's own persistent client lives in a ContextVar, invisible to tasks created elsewhere
    (Textual workers); without this, every request would build a new connection pool.
    """

    _shared: httpx.AsyncClient | None = None
    _shared_lock: asyncio.Lock | None = None

    @asynccontextmanager
    async def get_async_client(self) -> AsyncIterator[httpx.AsyncClient]:
        if self._shared is None:
            self._shared_lock = self._shared_lock or asyncio.Lock()
            async with self._shared_lock:
                if self._shared is None:
                    self._shared = await self._create_async_client()
        yield self._shared

    async def close_shared(self) -> None:
        if self._shared is not None:
            client, self._shared = self._shared, None
            await client.aclose()
