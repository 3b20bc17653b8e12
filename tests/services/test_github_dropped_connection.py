"""A connection that breaks before GitHub answers (a kept-alive connection the server closed as the
request went out): a read is sent again once on a fresh connection; a write never is.

Seen under load: the console's poll after an action failed with "Cannot reach GitHub
(RemoteProtocolError)" because the stand-in had closed the idle connection the poll reused."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from console.errors import NetworkError, UncertainWrite
from console.services.github import GitHubService
from console.services.github_errors import RetryPolicy


class DroppingProxy:
    """A loopback TCP proxy to ``upstream`` that hangs up on its first ``drops`` connections once
    their request has arrived, without forwarding it and without a word."""

    def __init__(self, upstream: str, drops: int) -> None:
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.drops = drops
        self.dropped = 0
        self.url = ""

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[DroppingProxy]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with server:
            yield self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.dropped < self.drops:
            self.dropped += 1
            await reader.readuntil(b"\r\n\r\n")
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()


@contextlib.asynccontextmanager
async def service_behind(stand_in, drops: int) -> AsyncIterator[tuple[GitHubService, DroppingProxy]]:
    async with DroppingProxy(stand_in.url, drops).running() as proxy:
        gh = GitHubService("acme/shop", "sandbox-token", proxy.url, retry=RetryPolicy(backoff=0.01))
        try:
            yield gh, proxy
        finally:
            await gh.aclose()


async def test_a_read_whose_connection_dropped_is_sent_again_once(stand_in):
    async with service_behind(stand_in, drops=1) as (gh, proxy):
        runs = await gh.list_runs("ci.yml", per_page=5)
    assert [r.run_number for r in runs] == [40, 39, 38, 37, 36]
    assert proxy.dropped == 1 and gh.retry.retries == 1


async def test_a_read_dropped_twice_says_github_cannot_be_reached(stand_in):
    async with service_behind(stand_in, drops=2) as (gh, proxy):
        with pytest.raises(NetworkError, match="Cannot reach GitHub at .*RemoteProtocolError"):
            await gh.list_runs("ci.yml")
    assert proxy.dropped == 2 and gh.retry.retries == 1  # once, not in a loop


async def test_a_write_whose_connection_dropped_is_never_sent_again(stand_in):
    """The answer is lost: GitHub may have dispatched the run, so the caller looks for it instead."""
    async with service_behind(stand_in, drops=1) as (gh, proxy):
        with pytest.raises(UncertainWrite, match="dropped the connection"):
            await gh.dispatch("cd.yml", "main", {"operation": "rollback", "targets": "runtime", "request_id": "r9"})
    assert proxy.dropped == 1 and gh.retry.retries == 0
    assert stand_in.simulator.dispatched == []
