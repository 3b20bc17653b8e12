"""Approve or reject a deployment waiting for review: preview what goes out, review through the
pending-deployments API with a comment, follow the run, and check production's tags moved (or not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from rich.console import RenderableType

from console.actions.attempt import recorded
from console.actions.audit import FAILED, SUCCEEDED, UNKNOWN, AuditRecord
from console.actions.context import ActionContext
from console.actions.follow import FollowResult, failure_excerpt, follow_run
from console.actions.guard import NotPermitted, ensure_writable, single_flight
from console.actions.operation import Confirmation, Operation
from console.actions.progress import Progress, ProgressFn, silent
from console.actions.release_context import read_context
from console.actions.render_approval import approval_panel
from console.actions.resync import moved_forward
from console.actions.review_once import review_once
from console.actions.tag_states import target_states
from console.errors import ActionError, ConsoleError, PermissionDenied, PlanError
from console.github_host import web_url
from console.model import PRODUCTION, Image, PendingApproval, WorkflowRun
from console.model.attestations import Provenance
from console.model.images import VERSION_RE, find_by_tag, image_version, short_digest
from console.model.release import ReleaseContext, context_json, why_not_reviewer
from console.model.rollbacks import RolledBack
from console.model.serialize import approval_json, rolled_back_json, run_json
from console.services.provenance import ProvenanceReader


@dataclass(frozen=True)
class ReleaseTarget:
    """One target of the release: the staging-tested digest that goes out and what production runs."""

    target: str
    digest: str | None  # sha-<head_sha>-<target>; None when no build exists for the commit
    current_digest: str | None  # latest-<target> now
    current_version: str | None


@dataclass(frozen=True)
class ApprovalPreview:
    run: WorkflowRun
    pending: tuple[PendingApproval, ...]
    user: str | None
    version: str | None
    commit: str
    targets: tuple[ReleaseTarget, ...]
    commits: tuple[str, ...] | None  # "sha7 message" since production's version; None when unknown
    commits_note: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    provenance: tuple[tuple[str, Provenance, str], ...] = ()  # (target, verdict, line) of the release digests
    # Rolled-back targets this release moves forward again (actions/resync.py), or why unknown
    moves_forward: tuple[RolledBack, ...] = ()
    moves_forward_note: str = ""
    context: ReleaseContext = field(default_factory=ReleaseContext)  # CI, staging, gates, deadline
    compare_url: str | None = None  # the compare page from production's version to the release

    def reason(self, pending: PendingApproval) -> str | None:
        """Why the current user cannot approve this environment (None: they can)."""
        return why_not_reviewer(pending, self.context.gate(pending.environment), self.user, self.run.actor)

    @property
    def approvable(self) -> tuple[PendingApproval, ...]:
        return tuple(p for p in self.pending if self.reason(p) is None)

    @property
    def environments(self) -> tuple[str, ...]:
        return tuple(p.environment for p in self.pending)

    @property
    def why_not(self) -> str | None:
        """Why the current user cannot review, or None when they can."""
        if self.approvable:
            return None
        return " ".join(reason for p in self.pending if (reason := self.reason(p)))


@dataclass(frozen=True)
class ReviewResult:
    preview: ApprovalPreview
    approved: bool
    run: FollowResult | None
    checks: tuple[str, ...]  # one line per verified fact


async def preview(ctx: ActionContext, run_id: int) -> ApprovalPreview:
    """What approving ``run_id`` would do. Raises PlanError when nothing is waiting for review."""
    run = await ctx.github.get_run(run_id)
    pending = tuple(await ctx.github.pending_deployments(run_id))
    if not pending:
        raise PlanError(f"Run {run_id} has no deployment waiting for review (it is {run.outcome}); nothing to approve.")
    user = await ctx.user()
    images = await ctx.images()
    targets = ctx.targets(images)
    release = tuple(_release_target(images, targets, t, run.head_sha) for t in targets)
    version = run.head_branch if run.head_branch and VERSION_RE.match(run.head_branch) else None
    commits, note, link = await _commits_since(ctx, _production_version(release), version or run.head_sha)
    provenance = await _provenance(ctx, release)
    going = {r.target for r in release if r.digest and r.digest != r.current_digest}
    forward, forward_note = await moved_forward(ctx, images, targets, going)
    context = await read_context(ctx, run, pending, targets)
    return ApprovalPreview(run, pending, user, version, run.head_sha, release, commits, note, provenance=provenance,
                           moves_forward=forward, moves_forward_note=forward_note, context=context, compare_url=link)


async def _provenance(ctx: ActionContext, release: tuple[ReleaseTarget, ...]) -> tuple[tuple[str, Provenance, str], ...]:
    """Per target: is the digest that goes out attested by this repository's CI/CD? (one line each)"""
    reader = ProvenanceReader(ctx.github, ctx.settings.repo, ctx.settings.workflows.all())
    verdicts = await reader.of(r.digest for r in release if r.digest)
    return tuple((r.target, *verdicts[r.digest]) for r in release if r.digest)


def _release_target(images: list[Image], targets: tuple[str, ...], target: str, sha: str) -> ReleaseTarget:
    build = find_by_tag(images, f"sha-{sha}-{target}")
    current = find_by_tag(images, f"latest-{target}")
    return ReleaseTarget(
        target,
        build.digest if build else None,
        current.digest if current else None,
        image_version(current, targets) if current else None,
    )


async def _commits_since(ctx: ActionContext, base: str | None, head: str) -> tuple[tuple[str, ...] | None, str, str | None]:
    """Commits between production's current version and the release, where GitHub can tell, and the
    compare page (GitHub's own link; built for the host when GitHub cannot compare)."""
    if base is None:
        return None, "production runs no single version to compare with", None
    try:
        result = await ctx.github.comparison(base, head)
    except ConsoleError as exc:
        link = f"{web_url(ctx.settings.github_url)}/{ctx.settings.repo}/compare/{base}...{head}"
        return None, f"GitHub could not compare {base}...{head[:7]} ({exc})", link
    return tuple(_commit_line(c) for c in result.commits), f"since {base}", result.html_url


def _production_version(release: tuple[ReleaseTarget, ...]) -> str | None:
    """The one version production runs on every target, else None."""
    versions = {r.current_version for r in release if r.current_version}
    return versions.pop() if len(versions) == 1 else None


def _commit_line(commit: tuple[str, str, str]) -> str:
    sha, message, author = commit  # GitHubService.comparison: (sha, first message line, author)
    return f"{sha[:7]} {message}" + (f" ({author})" if author else "")


class Review(Operation):
    """Approve (or reject) every pending environment of a run the user may review, once."""

    name = "approve"

    def __init__(self, ctx: ActionContext, preview: ApprovalPreview, *, approve: bool, comment: str) -> None:
        super().__init__(ctx)
        self.review, self.approve, self.comment = preview, approve, comment.strip()

    @property
    def action(self) -> str:
        return "approve" if self.approve else "reject"

    @property
    def noun(self) -> str:
        return "An approval" if self.approve else "A rejection"

    @property
    def environments(self) -> list[str]:
        return [p.environment for p in self.review.approvable]

    def refusal(self) -> str | None:
        if not self.comment:
            return f"A comment is required to {self.action} a deployment."
        return self.review.why_not

    def preview(self, now: datetime | None = None) -> RenderableType:
        return approval_panel(self.review, now)

    def confirmation(self) -> Confirmation:
        envs = self.environments
        run = self.review.run
        return Confirmation(f"{self.action.capitalize()} {', '.join(envs)} for {run.name or run.workflow} "
                            f"#{run.run_number} (run {run.id})?",
                            self.action.capitalize(), require=PRODUCTION if PRODUCTION in envs else None)

    def plan_details(self) -> dict[str, Any]:
        preview = self.review
        return {
            "run": run_json(preview.run), "version": preview.version, "commit": preview.commit,
            "pending": [approval_json(preview.run, p) for p in preview.pending], "why_not": preview.why_not,
            "release": [{"target": r.target, "digest": r.digest, "current_digest": r.current_digest,
                         "current_version": r.current_version} for r in preview.targets],
            "moves_forward": [{"target": r.target, **(rolled_back_json(r) or {})} for r in preview.moves_forward],
            "commits": list(preview.commits) if preview.commits is not None else None,
            "provenance": [{"target": target, "verdict": verdict.value, "line": line} for target, verdict, line in preview.provenance],
            "compare_url": preview.compare_url,
            "context": context_json(preview.context, {p.environment: preview.reason(p) for p in preview.pending}),
        }

    def audit_record(self) -> AuditRecord:
        """The one approve/reject record. A rejection changes nothing, so it lists no changes."""
        preview = self.review
        changes = [{"target": r.target, "from": r.current_digest, "to": r.digest} for r in preview.targets]
        return AuditRecord(
            action=self.action, repository=self.ctx.settings.repo, mode="api",
            environment=", ".join(self.environments or preview.environments) or None,
            targets=[r.target for r in preview.targets], changes=changes if self.approve else [],
            run_id=preview.run.id, run_url=preview.run.html_url or None, comment=self.comment or None,
            result={"version": preview.version, "commit": preview.commit},
        )

    async def execute(self, report: ProgressFn = silent, *, follow: bool = True) -> ReviewResult:
        """Review, follow the run, and check production's tags moved (or not)."""
        ctx, preview, action = self.ctx, self.review, self.action
        record = self.audit_record()
        async with recorded(ctx, record) as attempt:
            ensure_writable(ctx.settings, action)
            if refusal := self.refusal():
                raise PlanError(refusal)
            reviewing = preview.approvable
            with single_flight(ctx.settings.repo, f"review of run {preview.run.id}"):
                attempt.intend()
                await self._still_waiting(reviewing)
                report(Progress("dispatch", f"{action} {', '.join(p.environment for p in reviewing)} for run {preview.run.id}"))
                attempt.sending()
                try:
                    await review_once(ctx.github, preview.run.id, reviewing, self.approve, self.comment, report)
                except PermissionDenied as exc:  # the token lacks a permission: a refusal, nothing was sent
                    raise NotPermitted.from_denial(exc) from exc
                if not follow:
                    return ReviewResult(preview, self.approve, None, ())
                return await self._follow(record, reviewing, report)

    async def _still_waiting(self, reviewing: tuple[PendingApproval, ...]) -> None:
        """Re-read the run's pending deployments just before reviewing: a preview can be minutes
        old, and someone else may have reviewed meanwhile."""
        now = {p.environment_id for p in await self.ctx.github.pending_deployments(self.review.run.id)}
        gone = [p.environment for p in reviewing if p.environment_id not in now]
        if gone:
            raise PlanError(f"Run {self.review.run.id} no longer waits for review of {', '.join(gone)} "
                            "(reviewed meanwhile?); nothing was sent — reload to see its state.")

    async def _follow(self, record: AuditRecord, reviewing: tuple[PendingApproval, ...], report: ProgressFn) -> ReviewResult:
        preview = self.review
        followed = await follow_run(self.ctx.github, preview.run.id, report)
        production = any(p.environment == PRODUCTION for p in reviewing)
        checks, ok = await verify(self.ctx, preview, approve=self.approve, production=production, report=report)
        record.result["checks"] = list(checks)
        if self.approve and not followed.succeeded:
            excerpt = await failure_excerpt(self.ctx.github, followed.jobs)
            raise ActionError(
                f"Approved, but run {preview.run.id} ended {followed.run.conclusion}; " + "; ".join(checks)
                + (f"\n{excerpt}" if excerpt else "")
            )
        if not ok:
            raise ActionError(f"Run {preview.run.id} ended {followed.run.outcome} but ECR disagrees: " + "; ".join(checks))
        report(Progress("done", ("Approved" if self.approve else "Rejected") + ": " + "; ".join(checks)))
        return ReviewResult(preview, self.approve, followed, checks)

    def summary(self, result: ReviewResult) -> str:
        verb = "Approved" if result.approved else "Rejected"
        return f"{verb} run {result.preview.run.id}" + (f": {'; '.join(result.checks)}" if result.checks else "")

    @classmethod
    async def reconcile(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
        """Still waiting for review: the review never arrived. Otherwise the run's conclusion."""
        run_id = record.run_id or 0
        asked = {e.strip() for e in (record.environment or "").split(",") if e.strip()}
        pending = {p.environment for p in await ctx.github.pending_deployments(run_id)}
        if asked & pending:
            return FAILED, f"not carried out: run {run_id} still waits for review of {', '.join(sorted(asked & pending))}"
        run = await ctx.github.get_run(run_id)
        if run.status != "completed":
            return None
        deployed = run.conclusion == "success"
        if record.changes:  # what production's tags show now, next to the run's conclusion
            record.result["targets"] = await target_states(ctx, record)
        if record.action == "reject":
            return (UNKNOWN, f"run {run_id} deployed after all (another reviewer approved?)") if deployed \
                else (SUCCEEDED, f"run {run_id} ended {run.conclusion}; nothing was deployed")
        return (SUCCEEDED, f"run {run_id} succeeded") if deployed else (FAILED, f"run {run_id} ended {run.conclusion}")


async def review(
    ctx: ActionContext,
    preview: ApprovalPreview,
    *,
    approve: bool,
    comment: str,
    report: ProgressFn = silent,
    follow: bool = True,
) -> ReviewResult:
    """Approve or reject every pending environment the user may review (the Review operation)."""
    return await Review(ctx, preview, approve=approve, comment=comment).execute(report, follow=follow)


async def verify(
    ctx: ActionContext, preview: ApprovalPreview, *, approve: bool, production: bool, report: ProgressFn
) -> tuple[tuple[str, ...], bool]:
    """After approval latest-<t> names the release digest and previous-<t> the old one; after a
    rejection latest-<t> has not moved."""
    if not production:
        return ("not a production deployment: production tags not checked",), True
    report(Progress("verify", "reading ECR to confirm production's tags"))
    images = await ctx.images()
    lines, ok = [], True
    for r in preview.targets:
        latest = find_by_tag(images, f"latest-{r.target}")
        previous = find_by_tag(images, f"previous-{r.target}")
        now_digest = latest.digest if latest else None
        if not approve or r.digest is None:
            good = now_digest == r.current_digest
            lines.append(f"latest-{r.target} unchanged ({short_digest(now_digest)})" if good
                         else f"latest-{r.target} moved to {short_digest(now_digest)}")
        else:
            good = now_digest == r.digest
            lines.append(f"latest-{r.target} = {short_digest(now_digest)}" + ("" if good else f", expected {short_digest(r.digest)}"))
            if r.current_digest and r.current_digest != r.digest:
                kept = previous is not None and previous.digest == r.current_digest
                good = good and kept
                lines.append(f"previous-{r.target} = {short_digest(previous.digest if previous else None)}"
                             + ("" if kept else f", expected {short_digest(r.current_digest)}"))
        ok = ok and good
    return tuple(lines), ok
