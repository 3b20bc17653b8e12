"""One item per id. GitHub's list endpoints page by offset, so an item created between two page
reads repeats on the next page (and a stand-in or proxy may repeat one too): every list keyed by id
goes through here before it reaches a table, whose row keys must be unique."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def newest_by_id(items: Iterable[T], key: Callable[[T], Hashable], fresher: Callable[[T], Any]) -> list[T]:
    """The items with one copy per ``key``: the one with the greatest ``fresher`` (the later copy on
    a tie), at the position of the first copy, so the order of the listing is kept."""
    chosen: dict[Hashable, T] = {}
    for item in items:
        k = key(item)
        current = chosen.get(k)
        if current is None or fresher(item) >= fresher(current):
            chosen[k] = item
    return list(chosen.values())
