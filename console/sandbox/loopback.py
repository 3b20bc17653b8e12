"""Serve an ASGI app with uvicorn on 127.0.0.1 from a thread with its own event loop (the GitHub
stand-in of the Sandbox, and of the services tests)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.types import ASGIApp

if TYPE_CHECKING:
    import uvicorn


class LoopbackServer:
    def __init__(self, app: ASGIApp, port: int = 0, *, name: str = "sandbox-github") -> None:
        self.app, self.port, self.name = app, port, name
        self.loop = asyncio.new_event_loop()  # callers may schedule work on it (the simulator does)
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self, *, timeout: float = 30.0, on_exit: Callable[[], Awaitable[None]] | None = None) -> str:
        """Bind, serve, and return the base URL once uvicorn accepts connections. ``on_exit`` runs on
        the server's loop after it stops. Raises OSError when the port is taken."""
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it keep-alive clients wait ~40 ms per request
        # (Nagle + delayed ACK on uvicorn's separate header and body writes).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind(("127.0.0.1", self.port))
        except OSError:
            sock.close()
            raise
        host, port = sock.getsockname()[:2]
        self.url = f"http://{host}:{port}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False)
        self._server = server = uvicorn.Server(config)

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(server.serve(sockets=[sock]))
            if on_exit is not None:
                self.loop.run_until_complete(on_exit())
            self.loop.close()
            sock.close()

        self._thread = threading.Thread(target=serve, name=self.name, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the GitHub stand-in did not start")
            time.sleep(0.005)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=timeout)
            self._server = None
