"""Helpers for the model's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.model.images import Image

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def img(n: int, *tags: str, day: int = 0, size: int = 100) -> Image:
    """An image numbered ``n`` (its digest), pushed ``day`` days after T0."""
    return Image(digest=f"sha256:{n:064x}", tags=tags, pushed_at=T0 + timedelta(days=day), size_bytes=size)
