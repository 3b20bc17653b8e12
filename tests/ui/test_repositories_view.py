"""The Repositories view over three sandbox repositories (one GitHub stand-in, one ECR), driven
through Pilot: what the operator sees per repository, going into one and back, a repository whose
reads fail marked stale while the others stay live."""

from __future__ import annotations

from textual.widgets import DataTable

from console.ui.screens.main import MainScreen
from console.ui.screens.repositories import RepositoriesScreen
from tests.ui.helpers import cells, screen_text, until

REPOS = ("acme/shop", "acme/cart", "acme/search")


def rows(app, table_id: str) -> dict[str, list[str]]:
    """The table's rows by repository (its first cell, without the ◂ of the one on screen)."""
    return {row[0].removesuffix(" ◂"): row for row in cells(app.screen.query_one(table_id, DataTable))}


def all_read(app) -> bool:
    return isinstance(app.screen, RepositoriesScreen) and all(m.summary is not None for m in app.fleet.members)


def ship_pending_release(sb) -> None:
    """Approve the repository's waiting release in the stand-in (as a reviewer on github.com would)."""
    sb.simulator.review(sb.run(sb.pending_run_id), ["production"], True, "ship it")
    sb.wait_run(sb.pending_run_id, timeout=30)


async def test_each_repository_shows_its_own_approvals_production_drift_and_last_cd(repositories_app):
    app, sbs = repositories_app()
    ship_pending_release(sbs["acme/cart"])  # cart: v1.5.0 in production, nothing waiting
    async with app.run_test(size=(132, 36)) as pilot:
        await until(pilot, lambda: all_read(app))
        table = rows(app, "#repos-table")
        assert list(table) == list(REPOS)  # the order asked
        for repo in ("acme/shop", "acme/search"):
            name, waiting, production, drift, last_cd, data = table[repo]
            assert waiting == "1 (1 on you)"
            assert production == "minimal v1.4.0, runtime v1.4.0"
            assert "staging ahead" in drift
            assert last_cd == f"waiting: CD #{sbs[repo].run(sbs[repo].pending_run_id).run_number} on v1.5.0"
            assert data.startswith("●")
        _, waiting, production, _, last_cd, _ = table["acme/cart"]
        assert waiting == "-" and production == "minimal v1.5.0, runtime v1.5.0"
        assert last_cd.startswith("success: CD #") and last_cd.endswith("on v1.5.0")
        # On top: what waits on you across every repository (not cart's, it shipped).
        mine = rows(app, "#repos-mine")
        assert set(mine) == {"acme/shop", "acme/search"}
        assert all(row[3] == "production" and row[2] == "v1.5.0" for row in mine.values())
        assert "WAITING ON YOU (2)" in screen_text(app)


async def test_enter_goes_into_a_repository_and_0_comes_back(repositories_app):
    app, sbs = repositories_app()
    async with app.run_test(size=(132, 36)) as pilot:
        await until(pilot, lambda: all_read(app))
        await pilot.press("down", "enter")  # acme/cart
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.snapshot is not None
                    and app.snapshot.images_complete)
        assert app.settings.repo == "acme/cart" and app.snapshot.repo == "acme/cart"
        assert "acme/cart → ECR cart" in screen_text(app)
        pending = app.screen.query_one("#pending", DataTable)  # the Overview: cart's own waiting release
        assert pending.row_count == 1 and f"#{sbs['acme/cart'].run(sbs['acme/cart'].pending_run_id).run_number}" in cells(pending)[0][0]
        await pilot.press("2")  # the numbered views are cart's
        runs = app.screen.query_one("#runs-table", DataTable)
        assert runs.row_count and all(r.id >= 100_000_000 + 11_000_000_000 for r in app.snapshot.runs)
        await pilot.press("0")
        await until(pilot, lambda: isinstance(app.screen, RepositoriesScreen))
        assert rows(app, "#repos-table")["acme/cart"][0] == "acme/cart ◂"  # the one the views show
        # Enter on an approval waiting on you: that repository's Approvals view.
        app.screen.query_one("#repos-mine", DataTable).focus()
        search_row = list(rows(app, "#repos-mine")).index("acme/search")
        await pilot.press(*["down"] * search_row, "enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.active_name == "approvals"
                    and app.snapshot is not None and app.snapshot.repo == "acme/search")
        assert app.settings.repo == "acme/search"


async def test_a_failing_repository_is_marked_stale_while_the_others_stay_live(repositories_app):
    app, sbs = repositories_app()
    async with app.run_test(size=(132, 36)) as pilot:
        await until(pilot, lambda: all_read(app))
        sbs["acme/cart"].faults.unauthorized = True  # cart's token stops working
        before = {m.repo: m.summary.fetched_at for m in app.fleet.members}
        await pilot.press("r")
        await until(pilot, lambda: app.fleet.member("acme/cart").stale is not None
                    and app.fleet.member("acme/search").summary.fetched_at > before["acme/search"])
        app.screen.draw()
        table = rows(app, "#repos-table")
        assert table["acme/cart"][5].startswith("⚠ STALE")
        assert table["acme/cart"][2] == "minimal v1.4.0, runtime v1.4.0"  # the last data is kept
        assert table["acme/search"][5].startswith("●") and table["acme/shop"][5].startswith("●")
        assert "⚠ acme/cart:" in screen_text(app)
        sbs["acme/cart"].faults.unauthorized = False
        await pilot.press("r")
        await until(pilot, lambda: app.fleet.member("acme/cart").stale is None)
        app.screen.draw()
        assert rows(app, "#repos-table")["acme/cart"][5].startswith("●")


async def test_the_number_keys_on_the_repositories_view_open_that_view_of_the_repository_on_screen(repositories_app):
    app, sbs = repositories_app()
    async with app.run_test(size=(132, 36)) as pilot:
        await until(pilot, lambda: all_read(app))
        assert app._main() is None  # the five views are made on the first entry, not at start
        await pilot.press("2")
        await until(pilot, lambda: isinstance(app.screen, MainScreen) and app.screen.active_name == "runs"
                    and app.snapshot is not None)
        assert app.settings.repo == "acme/shop" and app.snapshot.repo == "acme/shop"
        await pilot.press("0")
        await until(pilot, lambda: isinstance(app.screen, RepositoriesScreen))
        assert len(app.screen_stack) == 3  # the default screen, acme/shop's views, this view: nothing piles up
