"""The Operation contract: what every write the console makes provides, so the CLI and the TUI
only drive it and no policy is written twice.

An operation is built from a chosen plan (a rollback plan, a prune plan, an approval preview) and
the operator's choices (direct mode, reason, comment). It gives:

- ``preview(now)``: the plan, as shown before confirming (CLI printed, TUI modal body);
- ``confirmation()``: the question, the word to type for production, the break-glass step;
- ``audit_record()``: the record of this attempt (the same for a cancel, a refusal or a run);
- ``plan_json()``: the plan as data (`--json`): the audit record's planned change and ``plan_details()``;
- ``execute(report)``: carry it out once — write-ahead recorded, followed, verified;
- ``summary(result)``: one line saying what happened;
- ``reconcile(ctx, record)`` (class-level): what became of an attempt whose outcome was never
  written (see ``actions/reconcile.py``).

Adding an operation (re-run, cancel) is one module with one subclass, listed in reconcile.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.console import RenderableType

from console.actions.audit import AuditRecord
from console.actions.context import ActionContext
from console.actions.direct import BANNER
from console.actions.progress import ProgressFn, silent


@dataclass(frozen=True)
class Confirmation:
    """What the operator is asked before a write. Cancel is always the default answer."""

    question: str
    confirm_label: str  # the TUI's button
    require: str | None = None  # the exact word to type (production, the target, the repository); None: yes/no
    break_glass: Confirmation | None = None  # direct mode: a confirmation of its own, asked first
    note: RenderableType = ""  # the break-glass confirmation's body: what direct mode does instead
    banner: str | None = None

    def prompt(self) -> str:
        """The terminal prompt (the CLI) for the same question."""
        if self.require:
            return f"{self.question} Type '{self.require}' to confirm: "
        return f"{self.question} [y/N] "

    def accepts(self, answer: str) -> bool:
        answer = answer.strip()
        return answer == self.require if self.require else answer.lower() in ("y", "yes")


def break_glass(operation: str, note: str) -> Confirmation:
    return Confirmation(f"Break-glass {operation} without GitHub Actions?", "Use direct mode", require="direct",
                        note=note, banner=BANNER)


class Operation(ABC):
    """One write, planned and chosen. Subclasses set ``name`` (the audit action)."""

    name: ClassVar[str]
    direct: bool = False

    def __init__(self, ctx: ActionContext) -> None:
        self.ctx = ctx

    @property
    def action(self) -> str:
        """The audit log's action (reject for a rejecting review)."""
        return self.name

    @property
    def noun(self) -> str:
        """How the TUI names it while it runs ("A rollback is running")."""
        return f"A {self.name}"

    def refusal(self) -> str | None:
        """Why this may not be carried out at all (before asking), or None."""
        return None

    @abstractmethod
    def preview(self, now: datetime | None = None) -> RenderableType: ...

    @abstractmethod
    def confirmation(self) -> Confirmation: ...

    @abstractmethod
    def audit_record(self) -> AuditRecord: ...

    def plan_json(self) -> dict[str, Any]:
        """The plan as data, for `--json`: the change the audit record plans (environment, targets,
        changes, digests) and what the preview shows beyond it (``plan_details``)."""
        record = self.audit_record()
        return {"environment": record.environment, "targets": record.targets, "changes": record.changes,
                "digests": record.digests, **self.plan_details()}

    def plan_details(self) -> dict[str, Any]:
        """What the preview shows beyond the audit record's fields, as data (subclasses add theirs)."""
        return {}

    @abstractmethod
    async def execute(self, report: ProgressFn = silent) -> Any: ...

    @abstractmethod
    def summary(self, result: Any) -> str: ...

    @classmethod
    async def reconcile(cls, ctx: ActionContext, record: AuditRecord) -> tuple[str, str] | None:
        """(outcome, why) for an attempt left open, or None while it is still going on."""
        raise NotImplementedError
