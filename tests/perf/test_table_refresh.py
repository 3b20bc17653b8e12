"""Regression guard (issue 6, figure 5): what keeps key-to-repaint flat on a big registry.

The images table paints only visible rows (tests/ui guards that); here: a background refresh that
brings the same registry must not rebuild the 2,000-row table on the event loop (a rebuild there is
what a key pressed during a refresh waits for), and a changed registry must."""

from __future__ import annotations

import asyncio
import time

from console.services.backend import Backend
from console.ui.app import GhaecrApp
from console.ui.widgets.virtual_table import VirtualTable

IMAGES = 2_000


async def _until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_refresh_rebuilds_the_images_table_only_when_the_registry_changed(sandbox_factory):
    sb = sandbox_factory(images=IMAGES)
    sb.pause()  # nothing may change on its own
    settings = sb.settings()
    backend = Backend.from_settings(settings)
    app = GhaecrApp(backend, settings, now=sb.clock.now)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await _until(lambda: app.snapshot is not None)
            await pilot.press("3")
            await pilot.pause()
            table = app.screen.query_one("#view-images").query_one(VirtualTable)
            assert table.row_count == IMAGES
            async def refresh() -> None:
                done = backend.snapshots
                app.refresh_now()
                await _until(lambda: backend.snapshots > done and not app.data.refreshing)
                await pilot.pause()

            await refresh()  # the first full refresh also brings the attestation verdicts (a new column value)
            rebuilds: list[int] = []
            set_rows = table.set_rows

            def counting(rows):
                rebuilds.append(len(rows))
                set_rows(rows)

            table.set_rows = counting

            await refresh()
            await refresh()
            assert rebuilds == [], "an unchanged registry rebuilt the images table"

            latest = f"latest-{sb.targets[0]}"
            previous = f"previous-{sb.targets[0]}"
            client = sb.ecr_client()
            manifest = client.batch_get_image(repositoryName=sb.ecr_repository,
                                              imageIds=[{"imageTag": previous}])["images"][0]["imageManifest"]
            client.put_image(repositoryName=sb.ecr_repository, imageManifest=manifest, imageTag=latest)
            await refresh()
            assert len(rebuilds) == 1, "a changed registry must reach the table"
    finally:
        await backend.aclose()
