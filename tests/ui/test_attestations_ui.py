"""Build provenance on screen (Pilot, on the sandbox): the images view marks each image attested by
this repository's CI/CD (✓), not attested (✗); the approve preview says it per target."""

from __future__ import annotations

from console.ui.widgets.virtual_table import VirtualTable
from tests.ui.helpers import loaded, refreshed, screen_text, until


def attested_cell(table: VirtualTable) -> str:
    (row,) = [r for r in table.visible_rows if not r.header]
    return str(row.cells[-1])


async def test_the_images_view_marks_attested_images(console_app):
    app, sb = console_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await refreshed(pilot)  # a full refresh: every image an operator looks at has its verdict
        await pilot.press("3")
        table = app.screen.query_one("#images-table", VirtualTable)
        assert "Attest" in screen_text(app)  # the column header
        await pilot.press("slash", *"v1.4.0 runtime")
        assert attested_cell(table) == "✓"  # production's image: CD staging attested it
        await pilot.press(*["backspace"] * len("v1.4.0 runtime"), *"v1.0.0 runtime")
        assert attested_cell(table) == "✗"  # pushed before the team attested its builds


async def test_the_approve_preview_says_whether_each_release_digest_is_attested(console_app):
    app, sb = console_app()
    async with app.run_test(size=(150, 45)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await until(pilot, lambda: "provenance:" in screen_text(app))
        text = screen_text(app)
        assert type(app.screen).__name__ == "ApproveScreen"
        assert f"minimal ✓ attested by cd.yml of {sb.repo}" in text
        assert f"runtime ✓ attested by cd.yml of {sb.repo}" in text
