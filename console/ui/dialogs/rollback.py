"""Rollback screen: choose target(s) and previous image or a release, preview from/to per target,
confirm by typing the target (or "production" for all), follow the run, show ECR's answer."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Button, Input, Label, RichLog, Select, Static

from console.actions import rollback as rollback_action
from console.actions.direct import BANNER
from console.actions.render import rollback_table
from console.model import PRODUCTION
from console.model.plans import rollback_candidates
from console.model.images import image_version
from console.actions.guard import is_running
from console.ui.dialogs.base import ActionScreen
from console.ui.dialogs.confirm import ConfirmModal

ALL = "__all__"
PREVIOUS = "__previous__"


class RollbackScreen(ActionScreen):
    BINDINGS = [Binding("r", "replan", "Re-plan"), Binding("ctrl+d", "direct", "Break-glass")]

    def __init__(self, target: str | None = None) -> None:
        super().__init__()
        self.initial_target = target
        self.images: list = []
        self.targets: tuple[str, ...] = ()
        self.plan = None
        self.planned_for: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static("Roll back production", classes="title")
        if reason := self.read_only_reason("rollback"):
            yield Static(reason, classes="banner", id="read-only")
        with Horizontal(classes="buttons"):
            yield Label("target ")
            yield Select([], id="target", allow_blank=True, prompt="loading…")
            yield Label(" to ")
            yield Select([("previous image", PREVIOUS)], id="version", allow_blank=False, value=PREVIOUS)
        yield Static("", id="preview")
        yield Input(placeholder="reason (optional, recorded in the run and the audit log)", id="reason")
        with Horizontal(classes="buttons"):
            yield Button("Roll back", id="execute", variant="error", disabled=True)
            yield Button("Break-glass (direct)", id="direct", disabled=True)
            yield Button("Close", id="close")
        yield Static("", id="status")
        yield RichLog(id="progress", wrap=True, markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_status("Reading ECR…")
        self.load(self.ctx.images, self._images_loaded)

    def _images_loaded(self, images) -> None:
        if images is None:
            return
        self.images = images
        self.targets = self.ctx.targets(images)
        options = [(t, t) for t in self.targets] + [("all targets", ALL)]
        target = self.query_one("#target", Select)
        target.set_options(options)
        target.value = self.initial_target if self.initial_target in self.targets else (self.targets[0] if self.targets else ALL)
        self._fill_versions()
        self.action_replan()

    # --- choosing ------------------------------------------------------------------------------

    def chosen_targets(self) -> list[str] | None:
        value = self.query_one("#target", Select).value
        if value == ALL:
            return None
        return [value] if isinstance(value, str) else []

    def chosen_version(self) -> str | None:
        value = self.query_one("#version", Select).value
        return None if value in (PREVIOUS, Select.BLANK) else str(value)

    def _fill_versions(self) -> None:
        chosen = self.chosen_targets()
        names = self.targets if chosen is None else chosen
        per_target = [
            {image_version(i, self.targets) for i in rollback_candidates(self.images, self.targets, t)} - {None}
            for t in names
        ]
        common = set.intersection(*per_target) if per_target else set()
        versions = sorted(common, key=_version_key, reverse=True)
        select = self.query_one("#version", Select)
        select.set_options([("previous image", PREVIOUS)] + [(v, v) for v in versions])
        select.value = PREVIOUS

    @on(Select.Changed, "#target")
    def _target_changed(self) -> None:
        if self.images and self._key() != self.planned_for:
            self._fill_versions()
            self.action_replan()

    @on(Select.Changed, "#version")
    def _version_changed(self) -> None:
        # Changed also fires for values set in code: plan only when the choice really changed.
        if self.images and self._key() != self.planned_for:
            self.action_replan()

    def _key(self) -> tuple:
        targets = self.chosen_targets()
        return (tuple(targets) if targets is not None else None, self.chosen_version())

    def action_replan(self) -> None:
        targets, version = self.chosen_targets(), self.chosen_version()
        self.planned_for = self._key()
        self.plan = None
        self._sync_buttons()
        self.set_status("Planning on a fresh ECR listing…")
        self.load(lambda: rollback_action.plan(self.ctx, targets, version), self._planned)

    def _planned(self, result) -> None:
        if result is None:
            self.query_one("#preview", Static).update("")
            return
        self.plan, self.images = result
        self.query_one("#preview", Static).update(rollback_table(self.plan))
        if is_running(self.settings.repo, "rollback"):
            self.set_status("A rollback started earlier is still running; wait for it (the audit log, key A, "
                            "shows its outcome).", "error")
        else:
            self.set_status("Check the digests, then Roll back (Escape closes).")
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        elsewhere = is_running(self.settings.repo, "rollback") and not self.running  # another screen's run
        blocked = elsewhere or self.plan is None or self.running or self.settings.read_only
        for button in self.query("#execute, #direct").results(Button):
            button.disabled = blocked

    # --- executing -----------------------------------------------------------------------------

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close()

    @on(Button.Pressed, "#execute")
    def _execute(self) -> None:
        self._confirm(direct=False)

    @on(Button.Pressed, "#direct")
    def action_direct(self) -> None:
        self._confirm(direct=True)

    def _confirm(self, direct: bool) -> None:
        plan = self.plan
        if plan is None or self.running or self.settings.read_only:
            return
        typed = plan.targets[0] if len(plan.targets) == 1 else PRODUCTION
        reason = self.query_one("#reason", Input).value
        record = rollback_action.audit_record(self.ctx, plan, direct=direct, reason=reason)

        def confirmed(ok: bool | None) -> None:
            if not ok:
                self.cancelled(record)
                return
            self.start("A rollback", lambda: rollback_action.execute(self.ctx, plan, report=self.report,
                                                                     direct=direct, reason=reason), self._done)

        modal = ConfirmModal(f"Roll back {', '.join(plan.targets)} in production?", rollback_table(plan),
                             confirm_label="Roll back", require=typed)
        if not direct:
            self.app.push_screen(modal, confirmed)
            return
        extra = ConfirmModal("Break-glass rollback without GitHub Actions?", "The same plan, carried out with boto3.",
                             confirm_label="Use direct mode", require="direct", banner=BANNER)
        self.app.push_screen(extra, lambda ok: self.app.push_screen(modal, confirmed) if ok else self.cancelled(record))

    def _done(self, result) -> None:
        lines = "; ".join(f"latest-{c.target} = {c.actual[:19] if c.actual else '-'}" for c in result.checks)
        self.set_status(f"Rolled back ({result.mode}): {lines}", "ok")
        self.plan = None  # stale now: change the selection or press r to plan again
        self._sync_buttons()


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in version.lstrip("v").split(".")[:3])
