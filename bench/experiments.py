"""Candidate fixes tried from the bench before asking their owners (``BENCH_EXPERIMENT=a,b`` in the
TUI probe). Each is a monkeypatch of the shipped code, so "before" and "after" run on the same
machine in the same minute; none is used by the console itself.

- ``ecr``: EcrService.list_images sorts inside its worker thread instead of on the event loop, and
  stores push dates in UTC (botocore hands out ``tzlocal`` datetimes; each comparison in that sort
  calls dateutil, ~50,000 times for 10,000 images).
- ``tagcache``: ``parse_tag`` memoised per (tag, targets): grouping, versions and "untargeted" parse
  every tag of 10,000 images about three times each.
- ``compactjson``: ``images --json`` / ``status --json`` without ``indent=2`` (indentation makes the
  json module fall back from its C encoder to the pure-Python one).
- ``filter``: VirtualTable narrows term by term with plain list comprehensions (no generator per
  row) and, while the filter only grows, scans the rows the previous filter kept instead of all.
"""

from __future__ import annotations

import os

# The ones that touch what ``images --json`` runs (the others would only add their imports to it).
CLI_EXPERIMENTS = ("ecr", "tagcache", "compactjson")


def apply_from_env() -> list[str]:
    names = [n for n in os.environ.get("BENCH_EXPERIMENT", "").split(",") if n]
    for name in names:
        EXPERIMENTS[name]()
    return names


def _filter() -> None:
    from textual.geometry import Size

    from console.ui.widgets.virtual_table import VirtualTable

    def _refilter(self, keep) -> None:
        terms = self._terms
        previous = getattr(self, "_bench_previous", None)
        # Typing forward only narrows: the rows the last filter kept are the only candidates.
        # Every old term inside some new term: whatever matches now matched before.
        narrowing = previous is not None and all(any(old in new for new in terms) for old in previous[0])
        groups = previous[1] if narrowing else [(g.header, g.rows) for g in self._groups]
        kept = []
        visible = []
        for header, rows in groups:
            matched = rows
            for term in terms:
                matched = [r for r in matched if term in r.search]
            kept.append((header, matched))
            if matched or not terms:
                visible.append(header)
                visible.extend(matched)
        self._bench_previous = (terms, kept)
        self._visible = visible
        self._count = len(visible) - sum(1 for r in visible if r.header)
        self._strips.clear()
        index = None
        if keep is not None:
            index = next((i for i, r in enumerate(visible) if r.key == keep), None)
        if index is None:
            index = next((i for i, r in enumerate(visible) if not r.header), 0)
        self.virtual_size = Size(self._min_width(), len(visible) + 1)
        self.cursor = min(index, max(len(visible) - 1, 0))
        self.refresh()

    original_set_rows = VirtualTable.set_rows

    def set_rows(self, rows) -> None:
        self._bench_previous = None
        original_set_rows(self, rows)

    VirtualTable._refilter = _refilter
    VirtualTable.set_rows = set_rows


def _ecr() -> None:
    from dataclasses import replace
    from datetime import timezone

    from console.services import ecr as ecr_module

    original = ecr_module._to_image

    def to_image(detail):
        image = original(detail)
        return replace(image, pushed_at=image.pushed_at.astimezone(timezone.utc))

    async def list_images(self):
        def listing(client):
            images = []
            pages = client.get_paginator("describe_images").paginate(
                repositoryName=self.repository, PaginationConfig={"PageSize": ecr_module.PAGE_SIZE})
            for page in pages:
                images.extend(to_image(d) for d in page.get("imageDetails", ()))
            images.sort(key=lambda i: (i.pushed_at, i.digest), reverse=True)  # still in the thread
            return images

        return await self._run("DescribeImages", listing)

    ecr_module._to_image = to_image
    ecr_module.EcrService.list_images = list_images


def _tagcache() -> None:
    import functools

    from console.model import images as images_module

    parse = images_module.parse_tag

    @functools.lru_cache(maxsize=65536)
    def cached(tag, targets):
        return parse(tag, targets)

    images_module.parse_tag = lambda tag, targets: cached(tag, tuple(targets))


def _compactjson() -> None:
    import json

    dumps = json.dumps
    json.dumps = lambda obj, *args, indent=None, **kwargs: dumps(obj, *args, **kwargs)


EXPERIMENTS = {"filter": _filter, "ecr": _ecr, "tagcache": _tagcache,
               "compactjson": _compactjson}
