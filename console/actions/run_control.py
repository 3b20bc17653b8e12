"""Re-run a workflow run (every job, or only the failed ones) or cancel it — GitHub's
``POST .../runs/{id}/rerun``, ``/rerun-failed-jobs`` and ``/cancel``, as Operations.

A re-run starts a new attempt of the same run id (``run_attempt`` 2, 3...): it is followed from
the moment GitHub shows that attempt. A CD run that deploys to production (a ``v*`` tag run or a
dispatched rollback/prune) asks for the typed word ``production``. Each POST goes out once: after an
answer that does not say whether it was carried out, the run is read to find out instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table

from console.actions.attempt import recorded
from console.actions.audit import FAILED, SUCCEEDED, AuditRecord
from console.actions.context import ActionContext
from console.actions.follow import FollowResult, failure_excerpt, follow_run
from console.actions.guard import NotPermitted, ensure_writable, single_flight
from console.actions.operation import Confirmation, Operation
from console.actions.patience import NEW_RUN_GRACE, Patience, clock_of
from console.actions.progress import Progress, ProgressFn, silent
from console.actions.render import cell
from console.errors import ActionError, OutcomeUnknown, PermissionDenied, PlanError, UncertainWrite
from console.model import PRODUCTION, Job, WorkflowRun
from console.model.images import VERSION_RE

FAILED_JOBS = ("failure", "cancelled", "timed_out")


@dataclass(frozen=True)
class RunState:
    """A run as read just before asking: what the preview shows and the refusals rest on."""

    run: WorkflowRun
    jobs: tuple[Job, ...]

    @property
    def failed_jobs(self) -> tuple[Job, ...]:
        return tuple(j for j in self.jobs if j.conclusion in FAILED_JOBS)

    @property
    def production(self) -> bool:
        """A CD run that deploys to production: a release tag, or a dispatched rollback/prune."""
        run = self.run
        if run.workflow != "cd.yml":
            return False
        return run.event == "workflow_dispatch" or bool(run.head_branch and VERSION_RE.match(run.head_branch))


async def load(ctx: ActionContext, run_id: int) -> RunState:
    return RunState(await ctx.github.get_run(run_id), tuple(await ctx.github.list_jobs(run_id)))


def run_panel(state: RunState, heading: str) -> RenderableType:
    run = state.run
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    table.add_row("Run", cell(f"{run.name or run.workflow} #{run.run_number} (id {run.id}, attempt {run.run_attempt})"))
    table.add_row("Branch/tag", cell(run.head_branch or "?"))
    table.add_row("Event", cell(run.event))
    table.add_row("Status", cell(run.outcome))
    failed = ", ".join(j.name for j in state.failed_jobs) or "none"
    table.add_row("Failed jobs", cell(failed))
    if state.production:
        table.add_row("Deploys to", cell(PRODUCTION, "bold red"))
    if run.html_url:
        table.add_row("URL", cell(run.html_url))
    return Group(cell(heading, "bold"), table)


class RunControl(Operation):
    """What re-run and cancel share: the run, its preview, its audit record, the production word."""

    verb: str  # "Re-run", "Cancel"

    def __init__(self, ctx: ActionContext, state: RunState) -> None:
        super().__init__(ctx)
        self.state = state

    @property
    def run(self) -> WorkflowRun:
        return self.state.run

    def preview(self, now: datetime | None = None) -> RenderableType:
        return run_panel(self.state, f"{self.verb} this run:")

    def confirmation(self) -> Confirmation:
        run = self.run
        return Confirmation(f"{self.verb} {run.name or run.workflow} #{run.run_number} (run {run.id}) on {run.head_branch}?",
                            self.verb, require=PRODUCTION if self.state.production else None)

    def audit_record(self) -> AuditRecord:
        run = self.run
        return AuditRecord(
            action=self.name, repository=self.ctx.settings.repo, mode="api",
            environment=PRODUCTION if self.state.production else None, run_id=run.id, run_url=run.html_url or None,
            result={"workflow": run.workflow, "run_number": run.run_number, "ref": run.head_branch,
                    "attempt_before": run.run_attempt},
        )

    async def execute(self, report: ProgressFn = silent) -> FollowResult:
        """Write-ahead intent, the run re-read, one POST, the run followed to its end."""
        ctx = self.ctx
        record = self.audit_record()
        async with recorded(ctx, record) as attempt:
            ensure_writable(ctx.settings, self.name)
            with single_flight(ctx.settings.repo, f"{self.name} of run {self.run.id}"):
                attempt.intend()
                run = await self._fresh()
                attempt.sending()
                return await self._carry_out(run, record, report)

    async def _carry_out(self, run: WorkflowRun, record: AuditRecord, report: ProgressFn) -> FollowResult:
        raise NotImplementedError

    async def _fresh(self) -> WorkflowRun:
        """The run re-read after the intent: the preview can be minutes old."""
        run: WorkflowRun = await self.ctx.github.get_run(self.run.id)
        if refusal := self._refusal_for(run):
            raise PlanError(refusal)
        return run

    def refusal(self) -> str | None:
        return self._refusal_for(self.run)

    def _refusal_for(self, run: WorkflowRun) -> str | None:
        raise NotImplementedError

    async def _send(self, report: ProgressFn, send: Callable[[], Awaitable[None]],
                    recorded_yet: Callable[[], Awaitable[bool]]) -> None:
        """POST once; after an ambiguous answer read the run (``recorded_yet``) and send once more
        only when it shows the request was not carried out."""
        try:
            await send()
            return
        except PermissionDenied as exc:
            raise NotPermitted.from_denial(exc) from exc
        except UncertainWrite as exc:
            report(Progress("dispatch", f"{exc}; reading run {self.run.id} instead of sending it again"))
        if await recorded_yet():
            return
        report(Progress("dispatch", f"GitHub did not carry it out; sending it once more for run {self.run.id}"))
        try:
            await send()
        except UncertainWrite as exc:
            raise OutcomeUnknown(f"{exc} (twice); look at run {self.run.id} on GitHub before trying again.") from exc

    async def _finish(self, record: AuditRecord, followed: FollowResult, wanted: str) -> FollowResult:
        run = followed.run
        record.result.update(attempt=run.run_attempt, conclusion=run.conclusion)
        if run.conclusion != wanted:
            excerpt = await failure_excerpt(self.ctx.github, followed.jobs) if run.conclusion != "cancelled" else ""
            raise ActionError(f"Run {run.id} attempt {run.run_attempt} ended {run.conclusion}"
                              + (f" (not {wanted})" if wanted != "success" else "") + (f"\n{excerpt}" if excerpt else ""))
        return followed

    def summary(self, result: FollowResult) -> str:
        run = result.run
        return f"{self.verb}: run {run.id} attempt {run.run_attempt} ended {run.conclusion}."


class Rerun(RunControl):
    """A new attempt of a completed run: every job, or only the failed jobs (and those that need them)."""

    name = "rerun"

    def __init__(self, ctx: ActionContext, state: RunState, *, failed_only: bool) -> None:
        super().__init__(ctx, state)
        self.failed_only = failed_only
        self.verb = "Re-run failed jobs of" if failed_only else "Re-run"

    @property
    def noun(self) -> str:
        return "A re-run"

    def audit_record(self) -> AuditRecord:
        record = super().audit_record()
        record.result["failed_only"] = self.failed_only
        return record

    def _refusal_for(self, run: WorkflowRun) -> str | None:
        if run.status != "completed":
            return f"Run {run.id} is still {run.status}; wait for it to end (or cancel it) before re-running it."
        if self.failed_only and run.conclusion == "success":
            return f"Run {run.id} succeeded: it has no failed jobs to re-run (re-run all jobs instead)."
        return None

    async def _carry_out(self, run: WorkflowRun, record: AuditRecord, report: ProgressFn) -> FollowResult:
        github, before = self.ctx.github, run.run_attempt
        record.result["attempt_before"] = before
        report(Progress("dispatch", f"{self.verb.lower()} run {run.id} (attempt {before + 1})"))
        send = lambda: github.rerun(run.id, failed_only=self.failed_only)  # noqa: E731
        await self._send(report, send, lambda: self._new_attempt(before, report, grace=NEW_RUN_GRACE / 6))
        if not await self._new_attempt(before, report, grace=NEW_RUN_GRACE):
            raise OutcomeUnknown(f"GitHub accepted the re-run but still shows attempt {before} of run "
                                 f"{run.id}; look at it on GitHub (or ghaecr-console watch {run.id}).")
        followed = await follow_run(github, run.id, report)
        return await self._finish(record, followed, "success")

    async def _new_attempt(self, before: int, report: ProgressFn, *, grace: float) -> bool:
        """Wait (up to ``grace`` seconds) for GitHub to show the run's next attempt."""
        github, clock = self.ctx.github, clock_of(self.ctx.github)
        patience = Patience(clock, report)
        deadline = clock.monotonic() + grace
        while True:
            run = await patience.read(f"read run {self.run.id}", lambda: github.get_run(self.run.id),
                                      lost=f"look at run {self.run.id} on GitHub")
            if run.run_attempt > before:
                return True
            if clock.monotonic() >= deadline:
                return False
            await clock.sleep(1.0)

    @classmethod
    async def reconcile(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
        run_id = record.run_id or 0
        before = record.result.get("attempt_before")
        run = await ctx.github.get_run(run_id)
        if isinstance(before, int) and run.run_attempt <= before:
            return FAILED, f"not carried out: run {run_id} is still at attempt {run.run_attempt}"
        if run.status != "completed":
            return None
        outcome = SUCCEEDED if run.conclusion == "success" else FAILED
        return outcome, f"run {run_id} attempt {run.run_attempt} ended {run.conclusion}"


class CancelRun(RunControl):
    """Cancel a run that is queued, waiting or in progress; followed until GitHub says it ended."""

    name = "cancel"
    verb = "Cancel"

    @property
    def noun(self) -> str:
        return "A cancellation"

    def confirmation(self) -> Confirmation:
        confirmation = super().confirmation()
        return Confirmation(confirmation.question, "Cancel the run", require=confirmation.require)

    def _refusal_for(self, run: WorkflowRun) -> str | None:
        if run.status == "completed":
            return f"Run {run.id} already ended ({run.conclusion}); there is nothing to cancel."
        return None

    async def _carry_out(self, run: WorkflowRun, record: AuditRecord, report: ProgressFn) -> FollowResult:
        github = self.ctx.github
        report(Progress("dispatch", f"cancel run {run.id}"))

        async def ended() -> bool:  # cancelled, or ended on its own meanwhile
            now: WorkflowRun = await github.get_run(run.id)
            return now.status == "completed"

        await self._send(report, lambda: github.cancel_run(run.id), ended)
        followed = await follow_run(github, run.id, report)
        return await self._finish(record, followed, "cancelled")

    @classmethod
    async def reconcile(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
        run_id = record.run_id or 0
        run = await ctx.github.get_run(run_id)
        if run.status != "completed":
            return None
        if run.conclusion == "cancelled":
            return SUCCEEDED, f"run {run_id} was cancelled"
        return FAILED, f"run {run_id} ended {run.conclusion}, not cancelled"
