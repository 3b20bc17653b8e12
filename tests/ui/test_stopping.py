"""The TUI's side of the write-ahead audit: SIGTERM while a rollback is followed records
`interrupted` with the run id and exits 143; the next start reconciles and says so."""

from __future__ import annotations

import os
import signal

from console.actions.audit import AUDIT_FILE, AuditLog
from console.config import state_dir
from console.services.backend import Backend
from console.ui.app import GhaecrApp
from tests.actions.helpers import dispatches, ecr_tags
from tests.ui.helpers import DIALOG_SIZE, click, confirm_typing, loaded, open_rollback, screen_text, until

SIZE = DIALOG_SIZE


async def test_sigterm_while_following_records_interrupted_and_the_next_start_reconciles(console_app):
    log = AuditLog(state_dir() / AUDIT_FILE)
    app, sb = console_app(sandbox_kwargs={"speed": 30.0})
    before = ecr_tags(sb)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_rollback(pilot, "runtime")
        await click(pilot, "#execute")
        await confirm_typing(pilot, "runtime")
        await until(pilot, lambda: screen.running and "follow" in screen_text(app))
        assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL  # the app's handler, not pytest's death
        os.kill(os.getpid(), signal.SIGTERM)
        await until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 128 + signal.SIGTERM
    [intent, interrupted] = log.read_all().records
    assert (intent.outcome, interrupted.outcome) == ("intent", "interrupted")
    assert interrupted.run_id and "stopped by SIGTERM" in interrupted.error

    sb.wait_idle(timeout=60)  # the run went on in "GitHub Actions"
    settings = sb.settings()
    app2 = GhaecrApp(Backend.from_settings(settings), settings, now=sb.clock.now)
    async with app2.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await until(pilot, lambda: any("as succeeded" in n.message for n in app2._notifications))
    await app2.backend.aclose()
    assert dispatches(sb) == 1
    assert log.read()[0].outcome == "succeeded" and ecr_tags(sb)["latest-runtime"] == before["previous-runtime"]
