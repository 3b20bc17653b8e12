"""The TUI's side of the write-ahead audit: at start, reconcile earlier attempts left without an
outcome (actions/reconcile.py) and tell the operator; on SIGTERM or SIGHUP, stop the action under
way so it records ``interrupted`` with its run id, then exit with 128 + the signal."""

from __future__ import annotations

import asyncio
import signal

from textual.app import App

from console.actions.context import ActionContext
from console.actions.reconcile import reconcile
from console.config import Settings
from console.errors import ConsoleError
from console.services.ports import BackendPort
from console.ui.dialogs.base import ActionScreen

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # ctrl+c is a key in the TUI, not SIGINT


def start(app: App, backend: BackendPort, settings: Settings) -> None:
    """Install the signal handlers and reconcile in the background (called from on_mount)."""
    loop = asyncio.get_running_loop()

    def on_signal(sig: signal.Signals) -> None:
        app.run_worker(stop(app, sig), group="stop")

    for sig in STOP_SIGNALS:
        try:
            loop.add_signal_handler(sig, on_signal, sig)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread (some test runners)
            pass
    app.run_worker(_reconcile(app, ActionContext.from_backend(backend, settings)), group="reconcile", exit_on_error=False)


async def _reconcile(app: App, ctx: ActionContext) -> None:
    try:
        lines = await reconcile(ctx)
    except ConsoleError as exc:
        lines = [f"Could not check earlier actions left without an outcome ({exc}); the next start tries again."]
    for line in lines:
        app.notify(line, title="Audit log", severity="warning", timeout=30, markup=False)


async def stop(app: App, sig: signal.Signals) -> None:
    for screen in list(app.screen_stack):
        if isinstance(screen, ActionScreen):
            await screen.stop_action(f"stopped by {sig.name}")
    app.exit(return_code=128 + int(sig))
