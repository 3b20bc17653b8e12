"""Overview: what runs where, what waits for approval, what just ran."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from console.actions.audit import AuditLog
from console.actions.render import cell
from console.errors import ConsoleError
from console.model import PRODUCTION, STAGING, Snapshot, TargetState, WorkflowRun
from console.model.format import ago, run_of, since_label, span, via_parts
from console.model.images import short_digest
from console.ui.audit_tail import AuditTail
from console.ui.format import run_label, run_status, web_base, with_data
from console.ui.prepare import Prepared
from console.ui.typed import console_of
from console.ui.views.base import View
from console.ui.views.changes import CHANGE_COLUMNS, change_rows
from console.ui.views.setup_problem import Findings, problem_text
from console.ui.widgets.columns import Col
from console.ui.widgets.tables import Cells, replace_rows, row_table, selected_key

EMPTY_HELP = (
    "Nothing to show yet: no workflow runs in [b]$repo[/b] and no images in ECR repository "
    "[b]$ecr[/b].\n\n"
    "• New repository? Push a commit to main: the bundled CI/CD workflows build, push "
    "[b]sha-<commit>-<target>[/b] images and deploy staging.\n"
    "• Expected data? Check the repository and ECR names (GHAECR_REPO, GHAECR_ECR_REPOSITORY, "
    "or `ghaecr-console config path`) and the region.\n"
    "• Press [b]r[/b] to refresh now."
)


APPROVAL_COLUMNS = (Col("Run", 10, 9), Col("To", 7, 8), Col("Waiting", 7, 6), Col("Timer", 7, 7), Col("You", 9, 8),
                    Col("Reviewers", 10, 3, grow=True))


def approvals_rows(snapshot: Snapshot, now: datetime) -> Iterator[tuple[str, Cells]]:
    for run, approval in snapshot.approvals:
        remaining = approval.wait_remaining(now)
        timer = Text(span(remaining), "yellow") if remaining else Text("ready", "green")
        who = ", ".join(approval.reviewers) or "any collaborator"
        can = Text("✓ can approve", "bold green") if approval.current_user_can_approve else Text(
            "✗ cannot", "red")
        title = Text(f"{run_label(run)} {run.head_branch or ''}", "bold")
        yield f"{run.id}:{approval.environment}", (title, approval.environment, span(now - run.created_at),
                                                   timer, can, who)


def state_cell(state: TargetState | None, snapshot: Snapshot, now: datetime) -> Text:
    if state is None or state.digest is None:
        return Text("nothing deployed", "dim italic")
    # The release, else the build's commit (as `status` shows it), else say it is only a digest.
    text = Text(state.label, "bold")
    text.append(f" {short_digest(state.digest)[:8]}", "dim")
    # Since and via on lines of their own: "8d 1h ago · CD #32" / "by octo-operator" fit a column.
    run, creator = via_parts(state, snapshot.runs)
    style = "italic" if state.deployment else "italic yellow"
    text.append(f"\n{since_label(state, now)} · {run}", style)
    if creator:
        text.append(f"\nby {creator}", style)
    return text


def drift_cell(target: str, prepared: Prepared) -> Text:
    behind = prepared.behind.get(target, 0)
    text = Text()
    if behind:
        text.append(f"{behind} release{'s' if behind != 1 else ''} behind", "bold yellow")
    else:
        text.append("✓ newest release", "green")
    if prepared.ahead.get(target):
        text.append("\nstaging ahead", "cyan")
    return text


def run_row(workflow: str, run: WorkflowRun | None, now: datetime) -> tuple[str, Cells]:
    if run is None:
        return workflow, (workflow, Text("no runs", "dim"), "", "", "", "")
    title = run.display_title or run.event
    return str(run.id), (run.name, run_status(run), f"#{run.run_number}", run.head_branch or "-", title,
                         ago(run.created_at, now))


class OverviewView(View):
    title = "Overview"

    def compose(self) -> ComposeResult:
        yield Static("Loading runs, images and environments…", id="overview-empty", classes="empty")
        yield Static("✓ No deployment is waiting for approval.", id="no-approvals")
        approvals = row_table(*APPROVAL_COLUMNS, id="pending")
        approvals.border_title = "⚠ PENDING APPROVAL"
        yield approvals
        # Production targets running a rolled-back image, one line each, until the next release ships them.
        yield Static("", id="rolled-back")
        targets = row_table(Col("Target", 7, 9), Col("Staging", 14, 6), Col("Production", 14, 8, grow=True),
                            Col("Prod drift", 10, 7), id="targets")
        targets.border_title = "Environments"
        yield targets
        runs = row_table(Col("Workflow", 6, 9), Col("Status", 9, 9), Col("Run", 4, 8), Col("Branch", 8, 5),
                         Col("Title", 10, 4, grow=True), Col("When", 8, 6), id="latest")
        runs.border_title = "Latest runs"
        yield runs
        # The room left: the last deployments and this console's operations, newest first (who, what
        # changed, through which run).
        changes = row_table(*CHANGE_COLUMNS, id="changes")
        changes.border_title = "Recent changes"
        yield changes

    def on_mount(self) -> None:
        self.add_class("-empty")  # "Loading…" until the first snapshot
        self.operations = AuditTail(AuditLog.for_settings(self.settings), self.settings.repo)
        # Nothing loaded: the failure shown, and what doctor's checks found about it (None: checking).
        self._problem: str | None = None
        self._findings: Findings | None = None

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        if self._problem is not None:  # loaded after all: the failure and its checks are history
            self.workers.cancel_group(self, "doctor")
            self._problem = self._findings = None
        empty = not snapshot.runs and not snapshot.images
        self.set_class(empty, "-empty")
        self.query_one("#overview-empty", Static).update(
            with_data(EMPTY_HELP, repo=snapshot.repo, ecr=snapshot.ecr_repository) if empty else "")
        approvals = self.query_one("#pending", DataTable)
        replace_rows(approvals, approvals_rows(snapshot, now))
        approvals.border_title = f"⚠ PENDING APPROVAL ({len(snapshot.approvals)})"
        self.set_class(bool(snapshot.approvals), "-approvals")
        self._show_rolled_back(snapshot, now)
        rows = []
        for target in snapshot.targets:
            rows.append((target, (Text(target, "bold"), state_cell(snapshot.state(STAGING, target), snapshot, now),
                                  state_cell(snapshot.state(PRODUCTION, target), snapshot, now),
                                  drift_cell(target, prepared))))
        replace_rows(self.query_one("#targets", DataTable), rows, height=3)
        workflows = self.settings.workflows
        latest = {w: next(iter(snapshot.runs_of(w)), None) for w in workflows.all()}
        replace_rows(self.query_one("#latest", DataTable), (run_row(w, r, now) for w, r in latest.items()))
        replace_rows(self.query_one("#changes", DataTable), change_rows(snapshot, now, self.operations.records()))

    def _show_rolled_back(self, snapshot: Snapshot, now: datetime) -> None:
        lines = [Text.assemble(("↩ ", "bold"), cell(r.target, "bold"), " ", cell(r.line(now))) for r in snapshot.rolled_back]
        self.set_class(bool(lines), "-rolled-back")
        self.query_one("#rolled-back", Static).update(Text("\n").join(lines))

    def show_problem(self, reason: str) -> None:
        if reason != self._problem:  # doctor's checks run once per distinct failure, not on every retry
            self._problem, self._findings = reason, None
            self.run_worker(self._check_setup(reason), name="doctor", group="doctor", exclusive=True,
                            exit_on_error=False)
        self.set_class(True, "-empty")
        self.query_one("#overview-empty", Static).update(problem_text(reason, self._findings))

    async def _check_setup(self, reason: str) -> None:
        """Doctor's checks in a worker (they take seconds; the screen stays live), shown under ``reason``."""
        try:
            findings = Findings.of(await console_of(self).backend.doctor())
        except ConsoleError as error:
            findings = Findings(note=str(error))
        except Exception as error:  # a bug in a check: one line here, the traceback in a crash report
            findings = Findings(note=console_of(self).unexpected(error, "the setup checks"))
        if self._problem == reason:  # else the data loaded, or another failure is shown, meanwhile
            self._findings = findings
            self.query_one("#overview-empty", Static).update(problem_text(reason, findings))

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter opens the run of the row: an approval's, a latest run, or what deployed a target."""
        key = str(event.row_key.value)
        if event.data_table.id in ("pending", "latest") and key.split(":")[0].isdigit():
            console_of(self).open_run(int(key.split(":")[0]))
            return
        snapshot = self.snapshot
        state = snapshot.state(PRODUCTION, key) if snapshot and event.data_table.id == "targets" else None
        deployment = state.deployment if state else None
        if snapshot and key.startswith("deployment:"):
            deployment = next((d for d in snapshot.deployments if f"deployment:{d.id}" == key), None)
        # The run a deployment names (attribution reads it from the job's log url), never a guess;
        # an operation's is the run it dispatched or reviewed ("audit:<index>:<run id>").
        run_id = deployment.run_id if deployment else None
        if key.startswith("audit:") and key.rsplit(":", 1)[1].isdigit():
            run_id = int(key.rsplit(":", 1)[1])
        if run_id is not None:
            console_of(self).open_run(run_id)
        else:
            console_of(self).say("No run of this row is in the latest data; b rolls a target back.")

    def _focused_table(self) -> DataTable | None:
        focused = self.screen.focused
        return focused if isinstance(focused, DataTable) and focused in self.query(DataTable) else None

    def selected_run_id(self) -> int | None:
        table = self._focused_table()
        if table is not None and table.id in ("pending", "latest"):
            key = selected_key(table)
            if key and key.split(":")[0].isdigit():
                return int(key.split(":")[0])
        snapshot = self.snapshot
        if snapshot and snapshot.approvals and (table is None or table.id != "latest"):
            return snapshot.approvals[0][0].id  # the approval the banner shows first
        return None

    def selected_target(self) -> str | None:
        table = self._focused_table()
        return selected_key(self.query_one("#targets", DataTable)) if table is None or table.id == "targets" \
            else None

    def selected_url(self) -> str | None:
        snapshot = self.snapshot
        table = self._focused_table()
        if table is not None and table.id == "targets" and snapshot:
            # A target row: the run that deployed what production runs, else the environment page.
            state = snapshot.state(PRODUCTION, selected_key(table) or "")
            run = run_of(state, snapshot.runs) if state else None
            return run.html_url if run else \
                f"{web_base(self.settings.github_url)}/{self.settings.repo}/deployments/{PRODUCTION}"
        run_id = self.selected_run_id()
        run = next((r for r in snapshot.runs if r.id == run_id), None) if snapshot and run_id else None
        return run.html_url if run else None

    def selected_copy(self) -> str | None:
        table = self._focused_table()
        snapshot = self.snapshot
        if table is not None and table.id == "targets" and snapshot:
            state = snapshot.state(PRODUCTION, selected_key(table) or "")
            return state.digest if state else None
        return self.selected_url()
