"""A small, bounded ETag cache for conditional GETs (``If-None-Match`` -> 304 -> the stored body).

Why not githubkit's ``http_cache`` (hishel 1.4)? It does revalidate correctly, but its storage keeps
a new entry (with the full body) for every response, 304s included, and never drops old ones: a
console polling all day would grow without bound. Here there is one entry per URL, the newest,
and at most ``max_entries`` URLs (least recently used dropped).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import httpx

# Headers worth replaying with a cached body (pagination needs Link).
_KEPT = ("content-type", "link", "etag")


@dataclass(frozen=True)
class _Entry:
    etag: str
    content: bytes
    headers: tuple[tuple[str, str], ...]


class EtagCache:
    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(url: str, params: dict[str, Any] | None) -> str:
        params = params or {}
        query = "&".join(f"{k}={params[k]}" for k in sorted(params))
        return f"{url}?{query}"

    def conditional_headers(self, key: str) -> dict[str, str]:
        entry = self._entries.get(key)
        return {"If-None-Match": entry.etag} if entry else {}

    def store(self, key: str, response: httpx.Response) -> None:
        etag = response.headers.get("etag")
        if response.status_code != 200 or not etag:
            return
        headers = tuple((h, response.headers[h]) for h in _KEPT if h in response.headers)
        self._entries[key] = _Entry(etag, response.content, headers)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def replay(self, key: str, not_modified: httpx.Response) -> httpx.Response | None:
        """The stored response for a 304 (fresh headers from the 304 win), or None if none is stored."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        headers = httpx.Headers(dict(entry.headers))
        headers.update({k: v for k, v in not_modified.headers.items() if k.lower().startswith("x-ratelimit")})
        return httpx.Response(200, content=entry.content, headers=headers, request=not_modified.request)

    def clear(self) -> None:
        self._entries.clear()
