"""Approve or reject a run's pending deployments once: after an answer that does not say whether
GitHub recorded the review (a 5xx, a timeout, a dropped connection), read the run's review history
and pending deployments and carry on from what is there, instead of sending the review again."""

from __future__ import annotations

from collections.abc import Sequence

from console.actions.guard import Refused
from console.actions.patience import Patience, clock_of
from console.actions.progress import Progress, ProgressFn
from console.errors import OutcomeUnknown, UncertainWrite
from console.model import PendingApproval
from console.services.ports import GitHubPort


async def review_once(
    github: GitHubPort, run_id: int, reviewing: Sequence[PendingApproval], approve: bool, comment: str, report: ProgressFn
) -> None:
    """Send the review; after an ambiguous answer find out whether it was recorded. Raises Refused
    when someone else reviewed meanwhile, OutcomeUnknown when GitHub cannot tell."""
    ids = [p.environment_id for p in reviewing]
    try:
        await github.review_pending(run_id, ids, approve, comment)
        return
    except UncertainWrite as exc:
        report(Progress("dispatch", f"{exc}; reading run {run_id}'s reviews instead of sending it again"))
    state = "approved" if approve else "rejected"
    patience = Patience(clock_of(github), report)
    lost = f"look at run {run_id}'s review on GitHub before reviewing it again"
    reviews = await patience.read(f"read the reviews of run {run_id}", lambda: github.run_reviews(run_id), lost=lost)
    if any(r.state == state and r.comment == comment and set(ids) <= set(r.environment_ids) for r in reviews):
        report(Progress("dispatch", f"GitHub had recorded the review: run {run_id} {state}"))
        return
    pending = await patience.read(f"read the pending deployments of run {run_id}",
                                  lambda: github.pending_deployments(run_id), lost=lost)
    still = [i for i in ids if i in {p.environment_id for p in pending}]
    if not still:
        others = "; ".join(f"{r.state} by {r.user or 'someone'}" for r in reviews) or "no review listed"
        raise Refused(f"Run {run_id} was reviewed meanwhile ({others}); this review was not recorded.")
    # Not recorded: sending it again cannot review twice (GitHub refuses a deployment no longer pending).
    report(Progress("dispatch", f"GitHub did not record the review; sending it once more for run {run_id}"))
    try:
        await github.review_pending(run_id, still, approve, comment)
    except UncertainWrite as exc:
        raise OutcomeUnknown(f"{exc} (twice); {lost}.") from exc
