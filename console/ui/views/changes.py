"""The Overview's "Recent changes": the last deployments (GitHub's record) and the operations this
console carried out (its local audit log), merged newest first — when, which source, where, what
changed (version before → after), who, through which run, how it ended. Pure: rows from a Snapshot
and audit records (whose text is data: comments and errors are shown as written, never as markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from rich.text import Text

from console.actions.audit import AuditRecord
from console.actions.render import audit_action, cell, outcome_style
from console.model import PRODUCTION, Snapshot, WorkflowRun
from console.model.environments import deployment_targets
from console.model.format import ago
from console.model.images import image_build_sha, image_version, short_digest
from console.ui.format import run_label, status_text
from console.ui.widgets.columns import Col

CHANGE_COLUMNS = (Col("When", 8, 8), Col("Source", 7, 6), Col("Env", 7, 7), Col("Target", 7, 8),
                  Col("Change", 14, 9, grow=True), Col("By", 8, 4), Col("Run", 6, 6), Col("Status", 9, 3))
DEPLOYMENT, CONSOLE = "deploy", "console"  # the Source column: GitHub's deployments, this console's audit log
SOURCE_STYLE = {DEPLOYMENT: "dim", CONSOLE: "bold magenta"}
OLDEST = datetime.min.replace(tzinfo=UTC)

Row = tuple[datetime, str, tuple]  # (when, key, cells)


def change_rows(snapshot: Snapshot, now: datetime, operations: Iterable[AuditRecord] = (),
                limit: int = 30) -> Iterator[tuple[str, tuple]]:
    """Deployments and console operations, newest first (at most ``limit``)."""
    label = version_label(snapshot)
    rows = [*deployment_rows(snapshot, now, label, limit), *operation_rows(operations, snapshot, now, label)]
    rows.sort(key=lambda row: row[0], reverse=True)  # stable: a tie keeps the deployments' own order
    for _, key, cells in rows[:limit]:
        yield key, cells


def version_label(snapshot: Snapshot) -> Callable[[str | None], str]:
    by_digest = {image.digest: image for image in snapshot.images}

    def label(digest: str | None) -> str:
        """The version, else the build commit (as the Overview names them), else the short digest."""
        image = by_digest.get(digest or "")
        version = image_version(image, snapshot.targets) if image else None
        sha = image_build_sha(image, snapshot.targets) if image and not version else None
        return version or (f"sha {sha[:7]}" if sha else short_digest(digest)[:12] if digest else "?")
    return label


def source(name: str) -> Text:
    return Text(name, SOURCE_STYLE[name])


def deployment_rows(snapshot: Snapshot, now: datetime, label: Callable[[str | None], str], limit: int) -> list[Row]:
    """The newest ``limit`` deployments, newest first. Every refresh draws this (10,000 images and
    1,000 deployments at the bench's scale): the history is walked once with plain strings, rows are
    built for the newest only, runs looked up by id."""
    history = sorted(snapshot.deployments, key=lambda d: (d.created_at, d.id))
    targets = deployment_targets(history, snapshot.images, snapshot.targets)
    before: dict[tuple[str, str | None], str] = {}
    moves = []
    for deployment in history:  # oldest first, so each row knows what ran before it
        place = (deployment.environment, targets.get(deployment.id))
        after = label(deployment.digest)
        moves.append((deployment, place, before.get(place), after))
        if deployment.state in ("success", "inactive"):  # inactive: it ran, then a newer one replaced it
            before[place] = after
    runs = {run.id: run for run in snapshot.runs}
    rows = []
    for deployment, place, was, after in reversed(moves[-limit:]):  # newest first: ties keep this order
        change = Text.assemble((was, "dim"), " → ", (after, "bold")) if was and was != after else Text(after, "bold")
        run = runs.get(deployment.run_id) if deployment.run_id is not None else None
        rows.append((deployment.created_at, f"deployment:{deployment.id}",
                     (ago(deployment.created_at, now), source(DEPLOYMENT), deployment.environment, place[1] or "-",
                      change, deployment.creator or "-", run_label(run) if run else "-",
                      status_text(deployment.state))))
    return rows


def operation_rows(records: Iterable[AuditRecord], snapshot: Snapshot, now: datetime,
                   label: Callable[[str | None], str]) -> list[Row]:
    runs = {run.id: run for run in snapshot.runs}
    rows = []
    for index, record in enumerate(records):
        when = record.when
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        run: WorkflowRun | None = runs.get(record.run_id) if record.run_id else None
        where = "ECR" if record.action == "prune" else record.environment or PRODUCTION
        rows.append((when or OLDEST, f"audit:{index}:{record.run_id or ''}",
                     (ago(when, now), source(CONSOLE), cell(where), cell(", ".join(record.targets) or "-"),
                      operation_change(record, label), cell(record.user or record.local_user or "-"),
                      run_label(run) if run else "-", cell(record.outcome or "?", outcome_style(record.outcome)))))
    return rows


def operation_change(record: AuditRecord, label: Callable[[str | None], str]) -> Text:
    """What the operation changed, in the Overview's words (its comment is in the audit log, A: a
    sentence would crowd out who and when)."""
    text = Text(audit_action(record), "bold")
    moves = [(change.get("from"), change.get("to")) for change in record.changes if isinstance(change, dict)]
    if moves:
        text.append(" " + "; ".join(f"{label(_str(a))} → {label(_str(b))}" for a, b in moves))
    elif record.digests:
        text.append(f" {len(record.digests)} image{'s' if len(record.digests) != 1 else ''}")
    return cell(text)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
