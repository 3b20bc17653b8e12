"""What rollback and prune share once a plan is chosen: record the attempt, refuse in read-only mode
or while the operation runs elsewhere, write the intent, then either change ECR directly
(break-glass) or dispatch cd.yml once and follow the run. The caller verifies ECR inside the block.
Also how such an attempt left without an outcome is reconciled from GitHub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.console import RenderableType

from console.actions.attempt import recorded
from console.actions.audit import FAILED, SUCCEEDED, AuditRecord
from console.actions.context import ActionContext
from console.actions.dispatch import dispatch_cd, refuse_if_active, yield_to_earlier
from console.actions.follow import FollowResult, failure_excerpt, follow_run
from console.actions.guard import ensure_writable, single_flight
from console.actions.operation import Confirmation, Operation, break_glass
from console.actions.progress import Progress, ProgressFn
from console.errors import NotFound

DISPATCH_VISIBLE_SECONDS = 15.0  # a dispatched run may take this long to show in the runs list


@dataclass
class CarriedOut:
    followed: FollowResult | None = None  # None in direct mode
    url: str = ""
    direct_result: Any = None

    @property
    def run_failed(self) -> bool:
        return self.followed is not None and not self.followed.succeeded


class PlannedOperation(Operation):
    """Rollback and prune: a plan carried out once by cd.yml, or in direct mode by ecr_ops.

    Subclasses give ``question``/``typed`` (the confirmation), ``record_fields``, ``inputs``
    (cd.yml's), ``direct_change`` and ``ecr_state``."""

    DIRECT_NOTE: ClassVar[str] = ""  # what break-glass does instead (the first of its confirmations)
    DIRECT_PROGRESS: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""

    def __init__(self, ctx: ActionContext, plan: Any, *, direct: bool = False, reason: str = "") -> None:
        super().__init__(ctx)
        self.plan, self.direct, self.reason = plan, direct, reason

    # --- what subclasses say -------------------------------------------------------------------

    def question(self) -> str:
        raise NotImplementedError

    def typed(self) -> str:
        raise NotImplementedError

    def record_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def inputs(self) -> dict[str, str]:
        raise NotImplementedError

    async def direct_change(self, record: AuditRecord, report: ProgressFn) -> Any:
        raise NotImplementedError

    def check(self) -> None:
        """Refuse a bad plan before anything is asked of GitHub (raise PlanError)."""

    # --- the contract --------------------------------------------------------------------------

    def confirmation(self) -> Confirmation:
        return Confirmation(self.question(), self.LABEL, require=self.typed(),
                            break_glass=break_glass(self.name, self.DIRECT_NOTE) if self.direct else None)

    def audit_record(self) -> AuditRecord:
        return AuditRecord(action=self.name, repository=self.ctx.settings.repo, mode="direct" if self.direct else "workflow",
                           comment=self.reason or None, **self.record_fields())

    def preview(self, now: datetime | None = None) -> RenderableType:
        raise NotImplementedError

    @asynccontextmanager
    async def carried_out(self, record: AuditRecord, report: ProgressFn) -> AsyncIterator[CarriedOut]:
        """Carry the plan out once; the block (verification) still runs under single flight and
        inside the audit record, so whatever it raises is recorded too."""
        ctx = self.ctx
        async with recorded(ctx, record) as attempt:
            ensure_writable(ctx.settings, self.name)
            self.check()
            with single_flight(ctx.settings.repo, self.name):
                request_id = attempt.intend()  # write-ahead: nothing below is sent unless this is on disk
                await ctx.user()
                done = CarriedOut()
                if self.direct:
                    report(Progress("dispatch", self.DIRECT_PROGRESS))
                    attempt.sending()
                    done.direct_result = await self.direct_change(record, report)
                else:
                    await refuse_if_active(ctx.github, ctx.settings, self.name)
                    attempt.sending()
                    dispatched = await dispatch_cd(ctx.github, ctx.settings, self.inputs(), report, request_id=request_id)
                    record.run_id, record.run_url = dispatched.run_id, dispatched.html_url
                    await yield_to_earlier(ctx.github, ctx.settings, self.name, dispatched, report)
                    done.url = dispatched.html_url
                    done.followed = await follow_run(ctx.github, dispatched.run_id, report)
                yield done

    async def failed_run_log(self, record: AuditRecord, done: CarriedOut) -> str:
        """The failing step's log excerpt (also kept in the audit record), as a suffix for the error."""
        excerpt = await failure_excerpt(self.ctx.github, done.followed.jobs) if done.followed else ""
        record.result["log"] = excerpt
        return f"\n{excerpt}" if excerpt else ""

    # --- reconciliation ------------------------------------------------------------------------

    @classmethod
    async def reconcile(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
        """Direct mode: what ECR shows is the outcome. Workflow mode: the run's conclusion, with
        what ECR shows per target / digest added to the record (and the reason)."""
        if record.mode == "direct":
            return await cls.ecr_state(ctx, record)
        found = await reconcile_run(ctx, record)
        if found is None or not record.run_id:
            return found
        _, shown = await cls.ecr_state(ctx, record)
        return found[0], f"{found[1]}; ECR now: {shown}"

    @classmethod
    async def ecr_state(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str]:
        """(outcome, what ECR shows) for the record's planned change; also noted in record.result."""
        raise NotImplementedError


async def reconcile_run(ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
    """The dispatched run, by its id or the request id in its title: its conclusion is the outcome."""
    workflow = ctx.settings.workflows.cd
    run = None
    if record.run_id:
        try:
            run = await ctx.github.get_run(record.run_id)
        except NotFound:
            return FAILED, f"run {record.run_id} no longer exists on GitHub; check ECR by hand"
    else:
        run = await ctx.github.find_dispatched(workflow, record.request_id or "", timeout=_still_visible(record))
    if run is None:
        return FAILED, (f"not carried out: GitHub has no {workflow} run for request {record.request_id} "
                        "(the console stopped before it started one); nothing was changed")
    record.run_id, record.run_url = run.id, run.html_url or record.run_url
    if run.status != "completed":
        return None
    if run.conclusion == "success":
        return SUCCEEDED, f"run {run.id} succeeded"
    return FAILED, f"run {run.id} ended {run.conclusion}"


def _still_visible(record: AuditRecord) -> float:
    """How long a run dispatched at the intent's time may still take to appear."""
    when = record.when
    if when is None:
        return 0.0
    age = (datetime.now(UTC) - when).total_seconds()
    return max(0.0, min(DISPATCH_VISIBLE_SECONDS, DISPATCH_VISIBLE_SECONDS - age))
