"""When nothing loads, the Overview shows what `ghaecr-console doctor` finds under the failure: its ✗ and
⚠ lines with their fixes, checked once per distinct failure in a worker while the screen stays live,
and gone once a refresh succeeds. On the sandbox (a wrong ECR repository, a token GitHub rejects) and,
for what the sandbox cannot cheaply make (checks that hang or cannot run), on the tests' fake back end."""

from __future__ import annotations

import asyncio

from console.errors import AuthError, NetworkError
from console.model.checks import FAIL, OK, WARN, Check
from console.ui.app import GhaecrApp
from console.ui.screens.help import HelpScreen
from tests.ui import fakes
from tests.ui.helpers import loaded, screen_text, until

WIDE = (200, 50)  # every doctor line on one screen line


def problem(app) -> str:
    """What the Overview's problem panel says, as plain text."""
    content = app.screen.query_one("#overview-empty").content
    return str(getattr(content, "plain", content))


async def checked(pilot) -> str:
    """Wait until the setup checks have answered; the panel's text."""
    await loaded(pilot)
    await until(pilot, lambda: "Checking the setup" not in problem(pilot.app))
    return problem(pilot.app)


async def test_a_wrong_ecr_repository_shows_doctors_fix_until_a_refresh_loads(console_app):
    app, sb = console_app(frozen=True, ecr_repository="shop-typo")
    async with app.run_test(size=WIDE) as pilot:
        text = await checked(pilot)
        assert "does not exist" in text.split("`ghaecr-console doctor` finds:")[0]  # the reason first
        assert "✗ ECR repository shop-typo: ECR repository 'shop-typo' does not exist in" in text
        # The hint that names the cause: the workflows' variable says the repository is called shop.
        assert "⚠ variable ECR_REPOSITORY: shop (repository), but the console uses shop-typo — make" in text
        assert "✓" not in text  # only what is wrong
        assert "✗ ECR repository shop-typo" in screen_text(app)
        sb.ecr_client().create_repository(repositoryName="shop-typo")  # the operator fixes it; r
        await pilot.press("r")
        await loaded(pilot)
        assert app.snapshot is not None and not app.screen.query_one("#view-overview").has_class("-empty")
        screen = screen_text(app)
        assert "doctor" not in screen and "Could not load" not in screen and "Latest runs" in screen


async def test_a_rejected_token_shows_doctors_token_line_never_the_token(console_app):
    app, _ = console_app(frozen=True, token="ghp_wrongwrongwrong1234")
    async with app.run_test(size=WIDE) as pilot:
        text = await checked(pilot)
        assert "✗ GitHub token: GitHub rejected the token; run `gh auth login` or set GH_TOKEN" in text
        assert "ghp_wrongwrongwrong1234" not in screen_text(app)


def failing(reason: str = "GitHub could not be reached at http://github.test; check the network.", **fake) -> GhaecrApp:
    backend = fakes.FakeBackend(fail_with=NetworkError(reason), **fake)
    return GhaecrApp(backend, fakes.settings(), now=fakes.NOW, polls=False)


async def test_checks_run_once_per_distinct_failure_and_their_text_is_data():
    app = failing(checks=[Check("github", "GitHub token", OK, "octo"),
                          Check("ecr", "ECR repository [b]shop[/b]", FAIL, "does not exist", "create it"),
                          Check("aws", "AWS region", WARN, "none", "set AWS_REGION")])
    async with app.run_test(size=WIDE) as pilot:
        text = await checked(pilot)
        assert "✗ ECR repository [b]shop[/b]: does not exist — create it" in text  # shown as typed, not markup
        assert "⚠ AWS region: none — set AWS_REGION" in text and "GitHub token" not in text
        for _ in range(3):  # the console's retries fail the same way: no new checks
            await pilot.press("r")
            await loaded(pilot)
        assert app.backend.doctor_calls == 1 and "✗ ECR repository" in problem(app)
        app.backend.fail_with = AuthError("GitHub rejected the token; set GH_TOKEN.")
        await pilot.press("r")
        assert "rejected the token" in await checked(pilot)
        assert app.backend.doctor_calls == 2


async def test_the_failed_checks_come_first_and_a_long_list_is_cut_to_what_fits():
    warnings = [Check("actions", f"variable V{n}", WARN, "not set", "set it") for n in range(6)]
    app = failing(checks=[*warnings, Check("github", "GitHub token", FAIL, "rejected", "set GH_TOKEN")])
    async with app.run_test(size=(80, 24)) as pilot:
        text = await checked(pilot)
        assert text.index("✗ GitHub token: rejected — set GH_TOKEN") < text.index("⚠ variable V0")
        assert "⚠ variable V3" in text and "V4" not in text
        assert "… and 2 more: `ghaecr-console doctor` lists them all." in text
        screen = screen_text(app)
        assert "lists them all." in screen and "to retry now." in screen  # all of it fits 80×24


async def test_nothing_wrong_says_so_and_checks_that_cannot_run_say_why():
    app = failing(checks=[Check("github", "GitHub token", OK, "octo")])
    async with app.run_test(size=WIDE) as pilot:
        assert "✓ No check of `ghaecr-console doctor` fails: the setup looks right, so the failure is likely " \
               "transient." in await checked(pilot)
    app = failing(doctor_fails=NetworkError("AWS could not be reached; check the network."))
    async with app.run_test(size=WIDE) as pilot:
        assert "The setup checks (ghaecr-console doctor) could not run either: AWS could not be reached; check the " \
               "network." in await checked(pilot)


class HangingDoctor(fakes.FakeBackend):
    """A doctor that answers only when the test says so."""

    answer: asyncio.Event

    async def doctor(self) -> list[Check]:
        await self.answer.wait()
        return await super().doctor()


async def test_the_console_stays_live_while_the_checks_run_and_a_load_hides_them():
    backend = HangingDoctor(fail_with=NetworkError("GitHub could not be reached; check the network."),
                            checks=[Check("ecr", "ECR repository shop", FAIL, "does not exist", "create it")])
    backend.answer = asyncio.Event()
    app = GhaecrApp(backend, fakes.settings(), now=fakes.NOW, polls=False)
    async with app.run_test(size=WIDE) as pilot:
        # Not ``loaded``: it waits for every worker, and this doctor answers only when told.
        await until(pilot, lambda: "Checking the setup as `ghaecr-console doctor` does…" in problem(app))
        await pilot.press("question_mark")  # keys still work: the checks are in a worker
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        backend.fail_with = None  # the network is back before the checks answer
        app.refresh_now()
        await until(pilot, lambda: app.snapshot is not None)
        backend.answer.set()
        await loaded(pilot)
        screen = screen_text(app)
        assert "doctor" not in screen and "ECR repository shop" not in screen and "PENDING APPROVAL" in screen
