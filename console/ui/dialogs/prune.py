"""Prune screen: editable keep count, every image that would go (checkable), every protected image
with its reason, the bytes reclaimed; deletes exactly the checked set, then shows what ECR says."""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from console.actions import prune as prune_action
from console.actions.guard import is_running
from console.actions.progress import Progress
from console.actions.render import cell
from console.model import Image, PruneItem, PrunePlan
from console.model.format import ago, human_size
from console.model.images import short_digest
from console.ui.dialogs.base import ACTS, PlannedActionScreen
from console.ui.dialogs.fit import SCROLLS, SIZES_BOX
from console.ui.typed import console_of


class PruneScreen(PlannedActionScreen[PrunePlan, prune_action.Prune]):
    DEFAULT_CSS = """
    PruneScreen #keep-row { height: auto; }
    PruneScreen #items { border: round $panel; text-wrap: wrap; text-overflow: fold; }  /* narrow: tags wrap, never "…" */
    PruneScreen #keep-row #keep { width: 12; }
    PruneScreen #keep-row Label { width: auto; }
    """
    OPERATION = "prune"
    ACTIONS = prune_action
    EXECUTE_LABEL = "Prune checked"

    def __init__(self) -> None:
        super().__init__()
        self.plan: PrunePlan | None = None

    def compose_dialog(self) -> ComposeResult:
        yield from self.compose_head("Prune old images", "prune")
        with Horizontal(id="keep-row", classes=f"{SIZES_BOX} {ACTS}"):
            yield Label("keep newest ")
            yield Input(str(self.settings.prune_keep), id="keep", type="integer")
            yield Label(" releases per target (Enter to re-plan)")
        yield Static("", id="summary")
        yield SelectionList[str](id="items", classes=f"{SCROLLS} {SIZES_BOX}")
        with VerticalScroll(id="protected-box", classes=SCROLLS):
            yield Static("", id="protected", classes=SIZES_BOX)
        yield from self.compose_execute()

    def on_mount(self) -> None:
        self.action_replan()

    @property
    def unchecked(self) -> set[str]:
        """Digests the operator unchecked: unchecked in every later plan of this console, also after a
        prune (the dialog is opened again for the next one)."""
        return console_of(self).remembered.setdefault("prune.unchecked", set())

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

    def _planned(self, result: tuple[PrunePlan, list[Image]] | None) -> None:
        items = self.query_one("#items", SelectionList)
        items.clear_options()
        if result is None:
            self.query_one("#protected", Static).update("")
            self.query_one("#summary", Static).update("")
            return
        self.plan, _ = result
        now = self.now()
        items.add_options([Selection(_row(item, now), item.image.digest, item.image.digest not in self.unchecked)
                           for item in self.plan.delete])
        room = self.app.size.width - 8  # the box's margin, border, padding and scrollbar
        self.query_one("#protected", Static).update(kept_table(self.plan, now, room))
        self._summarize()
        self.fit()
        hint = ("Uncheck anything you want to keep, then Prune checked (Escape closes)."
                if self.plan.delete else "Nothing to prune with this keep count.")
        if is_running(self.settings.repo, "prune"):
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
        plan, chosen = self.plan, self.chosen()
        if plan is None or chosen is None:
            return
        items = self.query_one("#items", SelectionList)
        planned = {item.image.digest for item in plan.delete}
        unchecked = self.unchecked
        unchecked -= planned
        unchecked |= planned - set(items.selected)
        items.display = bool(plan.delete)  # an empty list box reads like a failed load
        if plan.delete:
            summary = (f"{len(chosen.delete)} of {len(plan.delete)} images checked for deletion, "
                       f"reclaiming {human_size(chosen.bytes_reclaimed)}; {len(plan.protected)} kept (below).")
        else:
            summary = (f"Nothing to delete: keeping {plan.keep} releases per target keeps all "
                       f"{len(plan.protected)} images (below). Lower the count and press Enter.")
        self.query_one("#summary", Static).update(summary)
        self._sync_buttons()

    # --- executing -----------------------------------------------------------------------------

    def ready_plan(self) -> PrunePlan | None:
        chosen = self.chosen()
        return chosen if chosen is not None and chosen.delete else None

    def operation(self, plan: PrunePlan, *, direct: bool, reason: str) -> prune_action.Prune:
        return prune_action.Prune(self.ctx, plan, direct=direct, reason=reason)

    def _done(self, operation: prune_action.Prune, result: prune_action.PruneResult) -> None:
        for digest, why in result.refused:
            self.report(Progress("refused", f"{short_digest(digest)}: {why}"))
        self.set_status(operation.summary(result), "ok" if result.complete else "error")
        self.query_one("#summary", Static).update(
            f"Deleted {len(result.deleted)} of the {len(operation.plan.delete)} images checked; P plans the next prune.")
        for part in self.query("#items, #protected-box"):  # the plan is carried out: what is left is the result
            part.display = False
        self.plan = None


def _row(item: PruneItem, now: datetime) -> Text:
    """One image that would go: age and size before the tags, so 80 columns still show them."""
    image = item.image
    tags = ", ".join(sorted(image.tags)) or "(untagged)"
    return Text.assemble(
        (f"{item.target:<10} ", "bold"), f"{short_digest(image.digest)} ",
        f"{ago(image.pushed, now):>11} {human_size(image.size_bytes):>9}  ", (f"{item.reason:<13}", "dim"), f"  {tags}",
    )


KEPT_WHOLE = 116  # columns a kept row needs with every tag whole (a build tag is 50 characters)


def kept_table(plan: PrunePlan, now: datetime, room: int) -> Table:
    """Every image the plan keeps and why: a tag a line (a build tag is 50 characters) that the
    other columns make room for (the reason wraps at words), so a 132-column dialog shows every tag
    whole; with less ``room`` every column shares it and a tag folds onto the next line, never cut."""
    table = Table(title=f"Kept ({len(plan.protected)})", title_justify="left", box=box.ROUNDED)
    for column in ("target", "digest", "age", "why kept", "tags"):
        table.add_column(column, overflow="fold", no_wrap=room >= KEPT_WHOLE and column in ("tags", "digest"))
    for item in plan.protected:
        image = item.image
        table.add_row(cell(item.target), short_digest(image.digest), ago(image.pushed, now), cell(item.reason),
                      cell("\n".join(sorted(image.tags)) or "(untagged)"))
    return table
