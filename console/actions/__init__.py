"""Operator actions: plan -> preview -> execute once -> follow -> verify -> audit. No Textual here.

Modules: ``approve`` (review a pending deployment), ``rollback``, ``prune``, ``direct`` (break-glass
ECR changes through ecr_ops), ``audit`` (append-only JSON lines), ``follow`` (poll a run),
``dispatch`` (cd.yml operations; refuses while a run of the operation is active on GitHub),
``carry_out`` (what rollback and prune share: record, guards, dispatch or direct, follow),
``guard`` (read-only, single flight, refusals), ``render`` (rich views shared by CLI and TUI).
Progress goes through a callback (``progress.Progress``).
"""

from console.actions.context import ActionContext
from console.actions.progress import Progress, ProgressFn

__all__ = ["ActionContext", "Progress", "ProgressFn"]
