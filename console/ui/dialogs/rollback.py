"""Rollback screen: choose target(s) and previous image or a release, preview from/to per target,
confirm by typing the target (or "production" for all), follow the run, show ECR's answer."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Select, Static

from console.actions import rollback as rollback_action
from console.actions.guard import is_running
from console.actions.render import rollback_preview
from console.model import Image, RollbackPlan
from console.model.environments import version_key
from console.model.images import image_version
from console.model.plans import rollback_candidates
from console.ui.dialogs.base import ACTS, PlannedActionScreen
from console.ui.dialogs.compact import compact_controls, fit_columns
from console.ui.dialogs.fit import SCROLLS, SIZES_BOX

ALL = "__all__"
PREVIOUS = "__previous__"
Choice = tuple[tuple[str, ...] | None, str | None]  # (targets, None for all; version, None for previous)


class RollbackScreen(PlannedActionScreen[RollbackPlan, rollback_action.Rollback]):
    DEFAULT_CSS = """
    RollbackScreen #choices { height: auto; }
    """
    OPERATION = "rollback"
    ACTIONS = rollback_action
    EXECUTE_LABEL = "Roll back"

    def __init__(self, target: str | None = None) -> None:
        super().__init__()
        self.initial_target = target
        self.images: list[Image] = []
        self.targets: tuple[str, ...] = ()
        self.plan: RollbackPlan | None = None
        self.plan_shown: RenderableType | None = None  # the plan as the preview shows it
        self.planned_for: Choice | None = None
        self.target_value: object = None  # the #target Select's value (it is mounted once ECR is read)

    def compose_dialog(self) -> ComposeResult:
        yield from self.compose_head("Roll back production", "rollback")
        with Horizontal(id="choices", classes=ACTS):
            yield Label("target ")
            # The target choice appears once ECR is read: a blank "loading…" option would stay choosable.
            yield Label("reading ECR… ", id="target-loading")
            yield Label(" to ")
            yield Select([("previous image", PREVIOUS)], id="version", allow_blank=False, value=PREVIOUS)
        # Not a Tab stop: Tab goes target -> version -> reason, and a typed r never lands here as re-plan.
        with VerticalScroll(id="preview-box", can_focus=False, classes=SCROLLS):
            yield Static("", id="preview", classes=SIZES_BOX)
        yield from self.compose_execute()

    def on_mount(self) -> None:
        self.set_status("Reading ECR…")
        self.load(self.ctx.images, self._images_loaded)

    def _images_loaded(self, images: list[Image] | None) -> None:
        if images is None:
            return
        self.images = images
        self.targets = self.ctx.targets(images)
        options = [(t, t) for t in self.targets] + [("all targets", ALL)]
        value = self.initial_target if self.initial_target in self.targets else (self.targets[0] if self.targets else ALL)
        self.target_value = value
        placeholder = self.query_one("#target-loading", Label)
        self.query_one("#choices").mount(Select(options, id="target", allow_blank=False, value=value),
                                         after=placeholder)
        placeholder.remove()
        compact_controls(self)
        self._fill_versions()
        self.action_replan()

    # --- choosing ------------------------------------------------------------------------------

    def chosen_targets(self) -> list[str] | None:
        value = self.target_value
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
            {v for i in rollback_candidates(self.images, self.targets, t) if (v := image_version(i, self.targets))}
            for t in names
        ]
        common: set[str] = set.intersection(*per_target) if per_target else set()
        versions = sorted(common, key=version_key, reverse=True)
        select = self.query_one("#version", Select)
        select.set_options([("previous image", PREVIOUS)] + [(v, v) for v in versions])
        select.value = PREVIOUS

    @on(Select.Changed, "#target")
    def _target_changed(self, event: Select.Changed) -> None:
        self.target_value = event.value
        if self.images and self._key() != self.planned_for:
            self._fill_versions()
            self.action_replan()

    @on(Select.Changed, "#version")
    def _version_changed(self) -> None:
        # Changed also fires for values set in code: plan only when the choice really changed.
        if self.images and self._key() != self.planned_for:
            self.action_replan()

    def _key(self) -> Choice:
        targets = self.chosen_targets()
        return (tuple(targets) if targets is not None else None, self.chosen_version())

    def action_replan(self) -> None:
        targets, version = self.chosen_targets(), self.chosen_version()
        self.planned_for = self._key()
        self.plan = None
        self._sync_buttons()
        self.set_status("Planning on a fresh ECR listing…")
        self.load(lambda: rollback_action.plan(self.ctx, targets, version), self._planned)

    def _planned(self, result: tuple[RollbackPlan, list[Image]] | None) -> None:
        if result is None:
            self.plan_shown = None
            self.query_one("#preview", Static).update("")
            return
        self.plan, self.images = result
        self.plan_shown = fit_columns(rollback_preview(self.plan, self.now()))
        self.query_one("#preview", Static).update(self.plan_shown)
        self.fit()
        if is_running(self.settings.repo, "rollback"):
            self.set_status("A rollback started earlier is still running; wait for it (the audit log, key A, "
                            "shows its outcome).", "error")
        else:
            self.set_status("Check the digests, then Roll back (Escape closes).")
        self._sync_buttons()

    # --- executing -----------------------------------------------------------------------------

    def ready_plan(self) -> RollbackPlan | None:
        return self.plan

    def operation(self, plan: RollbackPlan, *, direct: bool, reason: str) -> rollback_action.Rollback:
        return rollback_action.Rollback(self.ctx, plan, direct=direct, reason=reason)

    def confirm_body(self, operation: rollback_action.Rollback) -> RenderableType:
        return fit_columns(operation.preview(self.now()))

    def _done(self, operation: rollback_action.Rollback, result: rollback_action.RollbackResult) -> None:
        self.set_status(operation.summary(result), "ok")
        self.plan = None  # carried out: a new rollback starts from a fresh plan (b again)
        self.query_one("#preview", Static).update(Group(
            Text("Carried out: the plan below is what changed.", style="italic"), self.plan_shown or ""))
        self.fit()
        self._sync_buttons()
