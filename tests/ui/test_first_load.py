"""The cheap first load: the overview is complete at once, the images view says it is loading until
every image has arrived."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from console.model import Snapshot
from console.ui.app import GhaecrApp
from console.ui.widgets.virtual_table import VirtualTable
from tests.ui import fakes
from tests.ui.helpers import loaded, screen_text, until


@dataclass
class SlowListing(fakes.FakeBackend):
    """First load: pointer images only; the full listing waits until ``listed`` is set."""

    listed: asyncio.Event = field(default_factory=asyncio.Event)

    async def snapshot(self, *, reuse_images=None, pointers_only=False) -> Snapshot:
        snap = await super().snapshot(reuse_images=reuse_images)
        if not pointers_only:
            return snap
        pointers = tuple(i for i in snap.images if any(t.startswith(("latest-", "previous-", "staging-"))
                                                       for t in i.tags))
        return replace(snap, images=pointers, images_complete=False, behind=tuple(snap.releases_behind().items()))

    async def with_all_images(self, snapshot: Snapshot) -> Snapshot:
        await self.listed.wait()
        return replace(snapshot, images=self.snap.images, images_complete=True)


async def test_the_overview_is_complete_before_the_images_arrive():
    backend = SlowListing(fakes.snapshot(image_count=8))
    app = GhaecrApp(backend, fakes.settings(), now=fakes.NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # not settle(): the worker still waits for the listing
            await pilot.pause(0.01)
            if app.snapshot is not None:
                break
        assert not app.snapshot.images_complete
        assert app.prepared.behind == fakes.snapshot(image_count=8).releases_behind()
        await pilot.press("3")
        await until(pilot, lambda: "Loading every image of ECR repository 'shop'" in screen_text(app))

        backend.listed.set()
        await loaded(pilot)
        table = app.screen.query_one("#images-table", VirtualTable)
        assert "Loading every image" not in screen_text(app)
        assert table.border_title == f"Images ({len(backend.snap.images)})"
