"""Rich renderables for plans and results, shared by the CLI (printed) and the TUI (in Static).

Every cell and line holding data goes through :func:`cell`: a Text, never a markup string, with
control characters made visible (console/model/text.py) — a tag, a login or a reason is shown as
written, whatever brackets or escape sequences it holds."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from console.actions.audit import AuditRecord
from console.model import PrunePlan, RollbackPlan
from console.model.compare import Unshipped
from console.model.format import ago, human_size
from console.model.images import short_digest
from console.model.text import plain


def cell(value: object, style: str = "") -> Text:
    """``value`` as data for a table cell or a line: a Text (so no markup), control characters visible."""
    if isinstance(value, Text):
        text = value.copy()
        text.plain = plain(text.plain, lines=True)  # one character for one: the styles keep their places
        return text
    return Text(plain(value, lines=True), style=style)


def cells(*values: object) -> list[Text]:
    return [cell(v) for v in values]


def now_or_utc(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def rollback_table(plan: RollbackPlan, now: datetime | None = None) -> Table:
    now = now_or_utc(now)
    table = Table(title="Rollback of production", title_justify="left")
    for column in ("target", "production now", "", "rolls back to", "via"):
        table.add_column(column, no_wrap=column != "via", overflow="fold")
    for s in plan.steps:
        table.add_row(*cells(
            s.target,
            Text(f"{short_digest(s.from_digest)}\n{s.from_version or '-'}, pushed {ago(s.from_pushed_at, now)}"),
            "->",
            Text.assemble((short_digest(s.to_digest), "bold"), f"\n{s.to_version or '-'}, pushed {ago(s.to_pushed_at, now)}"),
            s.to_ref,
        ))
    return table


UNSHIPPED_SHOWN = 10  # commits listed per comparison; the rest are counted


def rollback_preview(plan: RollbackPlan, now: datetime | None = None) -> Group:
    """The from/to table, then what the rollback takes out of production (unshipped_lines)."""
    return Group(rollback_table(plan, now), *unshipped_lines(plan.unshipped))


def unshipped_lines(unshipped: tuple[Unshipped, ...]) -> list[Text]:
    """Per group of targets: the commits being un-shipped, newest first and capped, and the compare
    link; or one line saying why they cannot be listed."""
    lines: list[Text] = []
    for u in unshipped:
        who = ", ".join(u.targets)
        c = u.comparison
        if c is None:
            lines.append(cell(f"un-ships ({who}): unknown, {u.note}", "dim"))
            continue
        span = f"{_ref(c.base)}...{_ref(c.head)}"
        if not c.total:
            lines.append(cell(f"un-ships ({who}): no commits ({span}: nothing in {_ref(c.head)} that "
                              f"{_ref(c.base)} lacks)", "dim"))
            continue
        lines.append(cell(f"un-ships ({who}): {c.total} commit{'s' if c.total != 1 else ''} {span}", "bold"))
        shown = list(reversed(c.commits))[:UNSHIPPED_SHOWN]
        lines.extend(cell("  " + _commit(sha, message, author)) for sha, message, author in shown)
        if c.total > len(shown):
            lines.append(cell(f"  … and {c.total - len(shown)} more", "dim"))
        lines.append(cell(f"  {c.html_url}", "cyan"))
    return lines


def _ref(ref: str) -> str:
    return ref[:7] if len(ref) == 40 else ref


def _commit(sha: str, message: str, author: str) -> str:
    return f"{sha[:7]} {message}" + (f" ({author})" if author else "")


def prune_delete_table(plan: PrunePlan, now: datetime | None = None) -> Table:
    now = now_or_utc(now)
    table = Table(title=f"Will delete {len(plan.delete)} images, reclaiming {human_size(plan.bytes_reclaimed)} "
                  f"(keep {plan.keep} releases per target)", title_justify="left")
    for column in ("target", "digest", "tags", "age", "size", "why"):
        table.add_column(column)
    for item in plan.delete:
        i = item.image
        table.add_row(*cells(item.target, short_digest(i.digest), ", ".join(sorted(i.tags)) or "(untagged)",
                             ago(i.pushed, now), human_size(i.size_bytes), item.reason))
    return table


def prune_kept_table(plan: PrunePlan, now: datetime | None = None) -> Table:
    now = now_or_utc(now)
    table = Table(title=f"Kept ({len(plan.protected)})", title_justify="left")
    for column in ("target", "digest", "tags", "age", "why kept"):
        table.add_column(column)
    for item in plan.protected:
        i = item.image
        table.add_row(*cells(item.target, short_digest(i.digest), ", ".join(sorted(i.tags)), ago(i.pushed, now), item.reason))
    return table


def prune_tables(plan: PrunePlan, now: datetime | None = None, *, protected: bool = True) -> Group:
    now = now_or_utc(now)
    parts: list[RenderableType] = [prune_delete_table(plan, now)]
    if protected and plan.protected:
        parts.append(prune_kept_table(plan, now))
    return Group(*parts)


def audit_table(records: list[AuditRecord]) -> Table:
    table = Table(title="Audit log (newest first)", title_justify="left")
    for column in ("time (UTC)", "user", "action", "where", "change", "run", "outcome"):
        table.add_column(column, no_wrap=column in ("time (UTC)", "run", "outcome"))
    for r in records:
        table.add_row(*cells(short_time(r.time), r.user or r.local_user or "-", audit_action(r), audit_where(r),
                             audit_change(r), str(r.run_id or "-"), Text(r.outcome, style=outcome_style(r.outcome))))
    return table


def short_time(iso: str) -> str:
    """'2026-11-27T04:59:01+00:00' -> '11-27 04:59:01' (the JSON keeps the full time)."""
    return iso[5:19].replace("T", " ") if len(iso) >= 19 else iso


def audit_action(r: AuditRecord) -> str:
    return f"{r.action} (direct)" if r.mode == "direct" else r.action


def audit_where(r: AuditRecord) -> str:
    return ", ".join(x for x in (r.environment, ",".join(r.targets)) if x) or "-"


def audit_change(r: AuditRecord) -> str:
    if r.changes:
        return "; ".join(f"{short_digest(c.get('from'))}->{short_digest(c.get('to'))}" for c in r.changes)
    if r.digests:
        return f"{len(r.digests)} digests"
    return "-"


def outcome_style(outcome: str) -> str:
    return {"succeeded": "green", "failed": "bold red", "refused": "yellow", "cancelled": "dim"}.get(outcome, "")
