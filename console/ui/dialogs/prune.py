"""Prune screen: editable keep count, every image that would go (checkable), every protected image
with its reason, the bytes reclaimed; deletes exactly the checked set, then shows what ECR says."""

from __future__ import annotations

from datetime import datetime, timezone

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Button, Input, Label, RichLog, SelectionList, Static
from textual.widgets.selection_list import Selection

from console.actions import prune as prune_action
from console.actions.direct import BANNER
from console.actions.progress import Progress
from console.actions.render import prune_kept_table, prune_tables
from console.model import PrunePlan
from console.model.format import ago, human_size
from console.model.images import short_digest
from console.actions.guard import is_running
from console.ui.dialogs.base import ActionScreen
from console.ui.dialogs.confirm import ConfirmModal


class PruneScreen(ActionScreen):
    DEFAULT_CSS = """
    PruneScreen #items { height: 1fr; min-height: 5; border: round $panel; }
    PruneScreen #protected-box { height: auto; max-height: 10; }
    PruneScreen #keep { width: 12; }
    """
    BINDINGS = [Binding("r", "replan", "Re-plan"), Binding("ctrl+d", "direct", "Break-glass")]

    def __init__(self) -> None:
        super().__init__()
        self.plan: PrunePlan | None = None
        self.result_note = ""

    def compose(self) -> ComposeResult:
        yield Static("Prune old images", classes="title")
        if reason := self.read_only_reason("prune"):
            yield Static(reason, classes="banner", id="read-only")
        with Horizontal(classes="buttons"):
            yield Label("keep newest ")
            yield Input(str(self.settings.prune_keep), id="keep", type="integer")
            yield Label(" releases per target (Enter to re-plan)")
        yield Static("", id="summary")
        yield SelectionList[str](id="items")
        with VerticalScroll(id="protected-box"):
            yield Static("", id="protected")
        yield Input(placeholder="reason (optional, recorded in the run and the audit log)", id="reason")
        with Horizontal(classes="buttons"):
            yield Button("Prune checked", id="execute", variant="error", disabled=True)
            yield Button("Break-glass (direct)", id="direct", disabled=True)
            yield Button("Close", id="close")
        yield Static("", id="status")
        yield RichLog(id="progress", wrap=True, markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.action_replan()

    # --- planning ------------------------------------------------------------------------------

    def keep(self) -> int | None:
        try:
            return int(self.query_one("#keep", Input).value)
        except ValueError:
            return None

    @on(Input.Submitted, "#keep")
    def action_replan(self) -> None:
        keep = self.keep()
        self.plan = None
        self._sync_buttons()
        if keep is None:
            self.set_status("Keep count must be a whole number of at least 1.", "error")
            return
        self.set_status("Planning on a fresh ECR listing…")
        self.load(lambda: prune_action.plan(self.ctx, keep), self._planned)

    def _planned(self, result) -> None:
        items = self.query_one("#items", SelectionList)
        items.clear_options()
        if result is None:
            self.query_one("#protected", Static).update("")
            self.query_one("#summary", Static).update("")
            return
        self.plan, _ = result
        now = datetime.now(timezone.utc)
        items.add_options([Selection(_row(item, now), item.image.digest, True) for item in self.plan.delete])
        self.query_one("#protected", Static).update(prune_kept_table(self.plan, now))
        self._summarize()
        hint = ("Uncheck anything you want to keep, then Prune checked (Escape closes)."
                if self.plan.delete else "Nothing to prune with this keep count.")
        if self.result_note:  # the last prune's outcome stays visible above the fresh plan
            self.set_status(f"{self.result_note} Fresh plan below.", "ok")
            self.result_note = ""
        elif is_running(self.settings.repo, "prune"):
            self.set_status("A prune started earlier is still running; wait for it (key A shows the audit log).", "error")
        else:
            self.set_status(hint)
        self._sync_buttons()

    def chosen(self) -> PrunePlan | None:
        if self.plan is None:
            return None
        return self.plan.only(set(self.query_one("#items", SelectionList).selected))

    @on(SelectionList.SelectedChanged, "#items")
    def _summarize(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        self.query_one("#summary", Static).update(
            f"{len(chosen.delete)} of {len(self.plan.delete)} images checked for deletion, "
            f"reclaiming {human_size(chosen.bytes_reclaimed)}; {len(self.plan.protected)} kept (below)."
        )
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        chosen = self.chosen()
        elsewhere = is_running(self.settings.repo, "prune") and not self.running  # another screen's run
        blocked = elsewhere or chosen is None or not chosen.delete or self.running or self.settings.read_only
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
        plan = self.chosen()
        if plan is None or not plan.delete or self.running or self.settings.read_only:
            return
        reason = self.query_one("#reason", Input).value
        record = prune_action.audit_record(self.ctx, plan, direct=direct, reason=reason)
        repository = self.settings.ecr_repository

        def confirmed(ok: bool | None) -> None:
            if not ok:
                self.cancelled(record)
                return
            self.start("A prune", lambda: prune_action.execute(self.ctx, plan, report=self.report,
                                                               direct=direct, reason=reason), self._done)

        modal = ConfirmModal(
            f"Delete {len(plan.delete)} images ({human_size(plan.bytes_reclaimed)}) from {repository}?",
            prune_tables(plan, protected=False), confirm_label="Delete", require=repository,
        )
        if not direct:
            self.app.push_screen(modal, confirmed)
            return
        extra = ConfirmModal("Break-glass prune without GitHub Actions?", "The same digests, deleted with boto3.",
                             confirm_label="Use direct mode", require="direct", banner=BANNER)
        self.app.push_screen(extra, lambda ok: self.app.push_screen(modal, confirmed) if ok else self.cancelled(record))

    def _done(self, result) -> None:
        for digest, why in result.kept:
            self.report(Progress("kept", f"{short_digest(digest)}: {why}"))
        self.result_note = f"Pruned ({result.mode}): {len(result.deleted)} deleted, {len(result.kept)} kept."
        self.set_status(self.result_note, "ok" if result.complete else "error")
        self.action_replan()


def _row(item, now: datetime) -> Text:
    image = item.image
    tags = ", ".join(sorted(image.tags)) or "(untagged)"
    return Text.assemble(
        (f"{item.target:<12} ", "bold"), f"{short_digest(image.digest)}  ", (f"{tags[:48]:<48} ", ""),
        f"{ago(image.pushed_at, now):>8}  {human_size(image.size_bytes):>9}  ", (item.reason, "dim"),
    )
