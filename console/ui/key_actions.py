"""What the console's keys do (a mixin of GhaecrApp): switch views, filter, open and copy the selection,
quit, and open the action dialogs; and which run or target the operator has selected, which the views'
keys and the dialogs ask for. A write's dialog opens only when the console is not read-only; the
dialogs are imported on first use (they pull in the actions layer)."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App
from textual.screen import Screen

from console.config import Settings
from console.model import Snapshot, WorkflowRun
from console.ui.dialogs.base import ActionScreen  # (loaded anyway: stopping.py stops a running one)
from console.ui.format import run_label
from console.ui.keys import VIEWS
from console.ui.screens.help import HelpScreen
from console.ui.screens.main import MainScreen
from console.ui.screens.run_detail import RunDetailScreen
from console.ui.screens.too_small import TooSmallScreen


class KeyActions(App):
    """The app's key actions; GhaecrApp sets ``settings`` and ``snapshot`` and provides the status line
    (``say``) and the refresh loop (``refresh_now``)."""

    settings: Settings
    snapshot: Snapshot | None

    if TYPE_CHECKING:
        def say(self, message: str) -> None: ...
        def refresh_now(self, *, full: bool = True) -> None: ...

    # --- selection helpers for the views and the dialogs ---------------------------------------

    def _main(self) -> MainScreen | None:
        return next((s for s in reversed(self.screen_stack) if isinstance(s, MainScreen)), None)

    @property
    def selected_run_id(self) -> int | None:
        """The run the operator is looking at (run detail, or a selected row), else the first approval."""
        if isinstance(self.screen, RunDetailScreen):
            return self.screen.run.id
        main = self._main()
        run_id = main.active_view.selected_run_id() if main else None
        if run_id is None and self.snapshot and self.snapshot.approvals:
            return self.snapshot.approvals[0][0].id
        return run_id

    @property
    def selected_target(self) -> str | None:
        main = self._main()
        return main.active_view.selected_target() if main and self.screen is main else None

    def find_run(self, run_id: int | None) -> WorkflowRun | None:
        runs = self.snapshot.runs if self.snapshot else ()
        return next((r for r in runs if r.id == run_id), None)

    def open_run(self, run_id: int) -> None:
        run = self.find_run(run_id)
        if run is None:
            self.say(f"Run {run_id} is not in the latest data; press r to refresh.")
            return
        self.push_screen(RunDetailScreen(run))

    # --- actions -------------------------------------------------------------------------------

    # On screens the console does not own (the action dialogs), these keys belong to the dialog.
    _OWN_SCREEN_ACTIONS = frozenset({"view", "next_view", "filter", "open", "copy", "approve", "rollback", "prune",
                                     "audit", "run_control"})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in self._OWN_SCREEN_ACTIONS and not isinstance(self.screen, (MainScreen, RunDetailScreen)))

    def action_view(self, name: str) -> None:
        main = self._main()
        if main is None:
            return
        while self.screen is not main and not isinstance(self.screen, TooSmallScreen):
            self.pop_screen()
        main.switch_to(name)

    def action_next_view(self, step: int) -> None:
        main = self._main()
        if main is not None and self.screen is main:
            current = VIEWS.index(main.active_name)
            main.switch_to(VIEWS[(current + step) % len(VIEWS)])

    def action_repositories(self) -> None:
        self.say("One repository is loaded: start with --repo repeated or --all for the Repositories view.")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        main = self._main()
        if main is None or self.screen is not main:
            return
        if not main.active_view.focus_filter():
            main.switch_to("images")
            main.active_view.focus_filter()

    def action_refresh(self) -> None:
        self.refresh_now()
        if isinstance(self.screen, RunDetailScreen):
            self.screen.load_jobs()

    def _selection(self, what: str) -> str | None:
        screen = self.screen
        if isinstance(screen, RunDetailScreen):
            job = screen.selected_job()
            return job.html_url if job and job.html_url else screen.run.html_url
        main = self._main()
        if main is None or screen is not main:
            return None
        view = main.active_view
        return view.selected_url() if what == "url" else view.selected_copy()

    def action_open(self) -> None:
        url = self._selection("url")
        if not url:
            self.say("o opens the selected run, image commit or environment: select one first.")
        elif not self.browser_available():
            self.say(f"No web browser found here (set $BROWSER, or c copies it): {url}")
        else:
            self.open_url(url)
            self.say(f"Opening {url}")

    def browser_available(self) -> bool:
        """Whether open_url can reach a browser (webbrowser.open fails silently when there is none)."""
        if type(self._driver).__name__ == "WebDriver":  # textual-serve: the user's own browser opens it
            return True
        try:
            webbrowser.get()
        except webbrowser.Error:
            return False
        return True

    def action_copy(self) -> None:
        value = self._selection("copy")
        if not value:
            self.say("c copies the selected digest or URL: select an image, target or run first.")
            return
        self.copy_to_clipboard(value)
        self.say(f"Copied {value} (OSC 52: your terminal must allow clipboard access).")

    async def action_quit(self) -> None:
        """Quit, but ask first while an action runs: leaving stops following it, not the run itself."""
        screen = next((s for s in self.screen_stack if isinstance(s, ActionScreen) and s.running), None)
        if screen is None:
            self.exit()
            return
        from console.ui.dialogs.confirm import ConfirmModal  # loaded: an action is running

        what = screen.OPERATION or "action"
        body = (f"Quitting stops following the {what} here; a run already dispatched goes on on GitHub. "
                "The Runs view, GitHub and `ghaecr-console audit` show how it ends.")
        self.push_screen(ConfirmModal(f"Quit while the {what} runs?", body, confirm_label="Quit"),
                         lambda ok: self.exit() if ok else None)

    def _dialog(self, open_dialog: Callable[[], Screen[None]], *, writes: str | None = None) -> None:
        if writes and self.settings.read_only:
            self.say(f"Read-only mode: {writes} is disabled (started with --read-only or read_only = true "
                     "in the config file).")
            return
        self.push_screen(open_dialog())

    def action_approve(self) -> None:
        run_id = self.selected_run_id
        waiting = [run for run, _ in self.snapshot.approvals] if self.snapshot else []
        if not self.settings.read_only and run_id not in {run.id for run in waiting}:
            run = self.find_run(run_id)
            if run is None or not waiting:
                self.say("Nothing is waiting for approval.")
            else:
                self.say(f"a approves a waiting deployment; {run_label(run)} is not waiting "
                         f"({run.outcome.replace('_', ' ')}). {run_label(waiting[0])} is: press 5 for Approvals.")
            return
        from console.ui import dialogs  # imported on first use: the dialogs pull in the actions layer

        self._dialog(partial(dialogs.ApproveScreen, run_id), writes="approving deployments")

    def action_rollback(self) -> None:
        target = self.selected_target
        if target is None and not self.settings.read_only:
            self.say("b rolls back the selected target: select one in Overview (1), Images (3) or "
                     "Environments (4), or type its name in the palette (:).")
            return
        self.rollback_target(target)

    def rollback_target(self, target: str | None) -> None:
        from console.ui import dialogs

        self._dialog(partial(dialogs.RollbackScreen, target), writes="rolling back")

    def action_prune(self) -> None:
        from console.ui import dialogs

        self._dialog(dialogs.PruneScreen, writes="pruning images")

    def action_run_control(self, kind: str) -> None:
        """Re-run (failed / all) or cancel the run on screen: run detail's, or the Runs view's row."""
        if isinstance(self.screen, RunDetailScreen):
            run_id: int | None = self.screen.run.id
        else:
            main = self._main()
            run_id = main.active_view.selected_run_id() if main and self.screen is main else None
        if run_id is None:
            self.notify("Select a run in the Runs view (or open one) first.", severity="warning")
            return
        from console.ui import dialogs

        self._dialog(partial(dialogs.RunControlScreen, run_id, kind), writes="re-running and cancelling runs")

    def action_audit(self) -> None:
        from console.ui import dialogs

        self._dialog(dialogs.AuditScreen)
