"""The console over several repositories (``--repo`` repeated, ``--all``): the Repositories view first,
Enter into one repository's views (Overview, Runs, ...), 0 back.

The numbered views and every action work on one repository at a time, exactly as with one: entering
another repository points the app's back end and settings at it, starts a fresh main screen and reads
it as at start (the overview first, every image next). Meanwhile the fleet
(console/services/fleet.py) reads every other repository on its own timer, with the cheap read
(304s when nothing changed); the repository on screen is read by the app's own poll, which feeds the
fleet, so no repository is read twice. Until the operator first enters one, the fleet reads them all
and the app's poll waits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from textual import on
from textual.screen import Screen
from textual.timer import Timer

from console.config import Settings
from console.model.repo_summary import Waiting
from console.model.text import plain
from console.services.fleet import Fleet, Member
from console.services.ports import BackendPort
from console.ui.alerts import Alerts
from console.ui.app import Clock, GhaecrApp
from console.ui.messages import SnapshotFailed, SnapshotLoaded
from console.ui.screens.main import MainScreen
from console.ui.screens.repositories import RepositoriesScreen
from console.ui.screens.too_small import TooSmallScreen
from console.ui.widgets.status_bar import DataState


class RepositoriesApp(GhaecrApp):
    # 0 belongs to a dialog while one is open (leaving would close it), as the view keys do.
    _OWN_SCREEN_ACTIONS = GhaecrApp._OWN_SCREEN_ACTIONS | {"repositories"}

    def __init__(self, fleet: Fleet, *, now: Clock | datetime | None = None, polls: bool = True) -> None:
        first = fleet.members[0]
        super().__init__(first.backend, first.settings, now=now, polls=polls)
        self.fleet = fleet
        self._fleet_timer: Timer | None = None
        self._waiting_seen: set[tuple[str, int, str]] | None = None  # (repo, run id, environment) announced
        # Until the operator first enters a repository, the fleet reads them all and the app's own
        # (fuller) poll waits: the first screen costs one summary read per repository.
        self._entered = False

    def first_screen(self) -> Screen:
        # The main screen (five views) is made when the operator first enters a repository.
        return RepositoriesScreen()

    def on_mount(self) -> None:
        self.read_fleet()

    def _open_repositories(self) -> None:
        if not isinstance(self.screen, RepositoriesScreen):
            self.push_screen(RepositoriesScreen())

    # --- reading every repository ---------------------------------------------------------------

    def read_fleet(self) -> None:
        if self._fleet_timer is not None:
            self._fleet_timer.stop()
            self._fleet_timer = None
        self.run_worker(self._read_fleet(), name="repositories", group="repositories", exit_on_error=False)

    async def _read_fleet(self) -> None:
        try:
            await self.fleet.read_all(skip=self.settings.repo if self._entered else None)
        finally:
            self._fleet_changed()
            if self.polls:
                delay = min(m.settings.refresh_seconds for m in self.fleet.members)
                self._fleet_timer = self.set_timer(delay, self.read_fleet)

    def _fleet_changed(self) -> None:
        self._announce(self.fleet.waiting_on_you())
        if isinstance(self.screen, RepositoriesScreen):
            self.screen.draw()

    def _announce(self, waiting: list[Waiting]) -> None:
        """A deployment that starts waiting on you in a repository not on screen (that one's own poll
        announces its own)."""
        keys = {(w.repo, w.run_id, w.environment) for w in waiting}
        new = keys - self._waiting_seen if self._waiting_seen is not None else set()
        self._waiting_seen = keys
        for w in waiting:
            if (w.repo, w.run_id, w.environment) in new and w.repo != self.settings.repo:
                self.notify(f"{w.repo}: {w.run} ({w.ref}) waits for your approval to deploy to {w.environment}.",
                            title="Deployment waiting for approval", severity="warning", timeout=15)

    @on(SnapshotLoaded)
    def _repository_loaded(self, message: SnapshotLoaded) -> None:
        if message.snapshot.repo != self.settings.repo:  # a read of the repository left a moment ago
            message.prevent_default()
            return
        self.fleet.record(self.settings.repo, message.snapshot)
        self._fleet_changed()

    @on(SnapshotFailed)
    def _repository_failed(self, message: SnapshotFailed) -> None:
        self.fleet.failed(self.settings.repo, message.reason)
        self._fleet_changed()

    # --- moving between the Repositories view and one repository's views -------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, RepositoriesScreen):
            return action not in ("next_view", "filter", "open", "copy", "approve", "rollback", "prune", "run_control")
        return super().check_action(action, parameters)

    def refresh_now(self, *, full: bool = True) -> None:
        if self._entered:
            super().refresh_now(full=full)

    def action_repositories(self) -> None:
        if self._main() is not None:
            self._back_to_main()
        self._open_repositories()

    def action_view(self, name: str) -> None:
        if self._main() is None:  # 1-5 before entering any repository: the one the views would show
            self.enter_repository(self.settings.repo, name)
        else:
            super().action_view(name)

    def action_refresh(self) -> None:
        if isinstance(self.screen, RepositoriesScreen):
            self.read_fleet()
        super().action_refresh()

    def enter_repository(self, repo: str, view: str | None = None) -> None:
        """Into ``repo``'s views (``view``: that tab, else the one it had)."""
        member = self.fleet.member(repo)
        if self._main() is not None:
            self._back_to_main()
        first, self._entered = not self._entered, True
        if member.repo != self.settings.repo:
            self._use(member)
        elif first:  # the main screen takes the Repositories view's place (0 brings that back on top)
            self.switch_screen(MainScreen())
            self.refresh_now()
        if view is not None:
            self.call_after_refresh(self.action_view, view)

    def _back_to_main(self) -> None:
        while not isinstance(self.screen, (MainScreen, TooSmallScreen)) and len(self.screen_stack) > 1:
            self.pop_screen()

    def _use(self, member: Member) -> None:
        """Point the app at ``member``: its back end and settings, a fresh main screen, a poll now."""
        if self._refresh_worker is not None:
            self._refresh_worker.cancel()  # its result, if any still lands, is dropped (another repository)
            self._refresh_worker = None
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.backend, self.settings = member.backend, member.settings
        self.snapshot = self.prepared = None
        self.data, self._failures, self._listed_at, self._known_approvals = DataState(), 0, None, None
        self.alerts = Alerts(self.settings.notify_mode, self.settings.dispatch_ref, lambda: self.bell(),
                             self._write_terminal)
        self.approval_watch.forget()
        self.sub_title = plain(f"{self.settings.repo} → ECR {self.settings.ecr_repository}")
        # Empty views, not the last repository's rows (on the first entry: in the Repositories view's place).
        self.switch_screen(MainScreen())
        self.refresh_now()  # the cheap first read first, as at start


def open_repositories(every: Sequence[Settings], make_backend: Callable[[Settings], BackendPort]) -> RepositoriesApp:
    """The app for several Settings (cli.py)."""
    return RepositoriesApp(Fleet.from_settings(every, make_backend))
