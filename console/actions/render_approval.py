"""The approve preview (CLI printed, TUI dialog body), assembled from a list of parts.

Each part takes the preview and the time and returns its lines; ``APPROVAL_PARTS`` is their order.
Adding a fact to the preview is one function added to that list. Every line holding data goes
through ``cell`` (console/actions/render.py): shown as written, never read as markup."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from console.actions.render import cell, cells, now_or_utc
from console.model.attestations import PROVENANCE_MARK, Provenance
from console.model.images import short_digest
from console.model.release import StagingCheck

if TYPE_CHECKING:
    from console.actions.approve import ApprovalPreview

Part = Callable[["ApprovalPreview", datetime], list[RenderableType]]
OK, BAD, UNSURE = "green", "red", "yellow"
COMMITS_SHOWN = 20


def header(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    run = preview.run
    return [
        Text.assemble((f"{run.name} #{run.run_number}", "bold"), f" on {run.head_branch or '-'} · run {run.id}"),
        Text(f"version {preview.version or '-'}   commit {preview.commit[:12]}   by {run.actor}"),
    ]


def waiting(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    """Per waiting environment: reviewers (or the app that holds it), wait timer, 30-day deadline, you."""
    lines: list[RenderableType] = []
    context = preview.context
    for p in preview.pending:
        gate = context.gate(p.environment)
        wait = p.wait_remaining(now)
        left = f" ({int(wait.total_seconds() // 60)}m left)" if wait else ""
        timer = f"wait timer {p.wait_timer_minutes}m{left}" if p.wait_timer_minutes else "no wait timer"
        apps = gate.apps if gate else ()
        who = f"reviewers: {', '.join(p.reviewers or (gate.reviewers if gate else ())) or '-'}"
        if apps and not (p.reviewers or (gate and gate.reviewers)):
            who = f"held by app: {', '.join(apps)}"
        elif apps:
            who += f"; also app: {', '.join(apps)}"
        if gate and gate.prevent_self_review:
            who += " (no self-review)"
        can = preview.reason(p) is None
        line = Text.assemble(("waiting: ", ""), (p.environment, "bold yellow"), f"  {who}  {timer}  ",
                             ("you can approve", OK) if can else ("you cannot approve", BAD))
        lines.append(line)
        if (deadline := context.deadline(p.environment)) is not None:
            days_left = (deadline.at - now).days
            lines.append(Text.assemble("30-day deadline: ", (deadline.text(now), BAD if days_left < 3 else "")))
    return lines


def targets_table(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    """Per target: what production runs, the digest that goes out, and what staging smoke-tested."""
    table = Table(title="Goes out per target", title_justify="left")
    for column in ("target", "production", "version", "release digest", "staging"):
        table.add_column(column)
    checks = {c.target: c for c in preview.context.staging or ()}
    for r in preview.targets:
        table.add_row(*cells(r.target, short_digest(r.current_digest), r.current_version or "-",
                             Text(short_digest(r.digest), style="bold") if r.digest else Text("no build for this commit", style=BAD),
                             staging_cell(checks.get(r.target), r.digest) if preview.context.staging is not None
                             else Text("unknown", style="dim")))
    return [table]


def staging_cell(check: StagingCheck | None, digest: str | None) -> Text:
    """✓ tested: staging/<target> succeeded for this very digest; anything else says what is off."""
    if check is None or check.status is None:
        return Text("✗ no staging/ status", style=BAD)
    if check.state != "success":
        return Text(f"✗ {check.state}", style=BAD)
    if check.digest and digest and check.digest != digest:
        return Text(f"≠ tested {short_digest(check.digest)}", style=BAD)
    return Text("✓ tested", style=OK)


def checks(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    """CI of the tagged commit, and the provenance of each release digest."""
    context = preview.context
    lines: list[RenderableType] = []
    ci = context.ci
    if ci is None:
        lines.append(Text(f"CI: unknown ({context.note('ci') or 'not read'})", style="dim"))
    else:
        style = OK if ci.conclusion == "success" else (UNSURE if ci.conclusion is None else BAD)
        mark = "✓" if ci.conclusion == "success" else ("…" if ci.conclusion is None else "✗")
        lines.append(Text.assemble(("CI: ", "bold"), (f"{mark} {ci.outcome}", style), f" ({ci.name} #{ci.run_number})"))
    if context.staging is None and context.note("staging"):
        lines.append(Text(f"staging: unknown ({context.note('staging')})", style="dim"))
    if preview.provenance:
        styles = {Provenance.ATTESTED: OK, Provenance.NONE: BAD, Provenance.OTHER: UNSURE}
        line = Text("provenance: ", style="bold")
        for i, (target, verdict, why) in enumerate(preview.provenance):
            line.append(("; " if i else "") + f"{target} ")
            line.append(f"{PROVENANCE_MARK[verdict]} {why}", style=styles.get(verdict, "dim"))
        lines.append(line)
    return lines


def moves_forward(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    """The re-sync hazard: the rolled-back targets this release moves forward again (one line each)."""
    if preview.moves_forward_note:
        return [cell(f"rolled back targets: unknown ({preview.moves_forward_note})", "dim")]
    return [cell(f"⚠ moves {r.target} forward again: {r.line(now)}", "bold yellow") for r in preview.moves_forward]


def commits(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    lines: list[RenderableType] = []
    if preview.compare_url:
        lines.append(Text.assemble(("compare: ", "bold"), preview.compare_url))
    if preview.commits is None:
        return [*lines, Text(f"commits: unknown ({preview.commits_note})", style="dim")]
    lines.append(Text(f"{len(preview.commits)} commits {preview.commits_note}:", style="bold"))
    lines.extend(Text("  " + c) for c in preview.commits[:COMMITS_SHOWN])
    if len(preview.commits) > COMMITS_SHOWN:
        lines.append(Text(f"  ... and {len(preview.commits) - COMMITS_SHOWN} more", style="dim"))
    return lines


def why_not(preview: ApprovalPreview, now: datetime) -> list[RenderableType]:
    """Why you cannot approve (all of it), or which environments you cannot (some of it)."""
    if preview.why_not:
        return [Text(preview.why_not, style="bold red")]
    return [Text(reason, style=UNSURE) for p in preview.pending if (reason := preview.reason(p))]


APPROVAL_PARTS: list[Part] = [header, waiting, targets_table, checks, moves_forward, commits, why_not]


def approval_panel(preview: ApprovalPreview, now: datetime | None = None) -> Group:
    moment = now_or_utc(now)
    lines = [line for part in APPROVAL_PARTS for line in part(preview, moment)]
    return Group(*(cell(line) if isinstance(line, Text) else line for line in lines))
