"""A counting proxy in front of the ECR stand-in: which operations reached the server, and how many bytes.

Independent of the console's own ``EcrService.stats`` (which counts calls the client *made*), this
counts what the server *saw*, retries included, and the bytes each way — the "image bytes moved" of
figure 7. ECR's API is JSON-over-POST with the operation in ``X-Amz-Target``.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

# Operations that move image layers: a retag by manifest must use none of them.
LAYER_OPERATIONS = frozenset({
    "GetDownloadUrlForLayer", "BatchCheckLayerAvailability", "InitiateLayerUpload", "UploadLayerPart",
    "CompleteLayerUpload",
})


@dataclass
class Meter:
    calls: Counter = field(default_factory=Counter)
    bytes_sent: Counter = field(default_factory=Counter)  # request bodies, per operation
    bytes_received: Counter = field(default_factory=Counter)  # response bodies, per operation
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.bytes_sent.clear()
            self.bytes_received.clear()

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    @property
    def layer_calls(self) -> int:
        return sum(n for op, n in self.calls.items() if op in LAYER_OPERATIONS)

    @property
    def layer_bytes(self) -> int:
        return sum(self.bytes_sent[op] + self.bytes_received[op] for op in LAYER_OPERATIONS)

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_sent.values()) + sum(self.bytes_received.values())


class MeteredEcr:
    """``with MeteredEcr(upstream_url) as proxy: ... proxy.url ... proxy.meter``"""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.meter = Meter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = (self.headers.get("X-Amz-Target") or "?.Unknown").rsplit(".", 1)[-1]
                upstream = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream.request("POST", self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
                upstream.close()
                with proxy.meter.lock:
                    proxy.meter.calls[operation] += 1
                    proxy.meter.bytes_sent[operation] += len(body)
                    proxy.meter.bytes_received[operation] += len(payload)
                self.send_response(response.status)
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler

    def __enter__(self) -> MeteredEcr:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
