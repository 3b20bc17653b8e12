"""`ghaecr-console status` and `ghaecr-console images`: read-only views for people and scripts."""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime

from console.config import Settings
from console.errors import ConfigError, ConsoleError
from console.model import PRODUCTION, STAGING
from console.model.environments import staging_ahead, target_states
from console.model.format import ago, human_size, since_label, via_label
from console.model.images import group_by_target, image_version, known_targets, select_targets, short_digest
from console.model.serialize import images_json, running_where, status_json
from console.model.snapshot import Snapshot


def register(subparsers: argparse._SubParsersAction) -> None:
    status = subparsers.add_parser(
        "status", help="environments per target, pending approvals and recent runs",
        description="What each environment runs per target, pending approvals and the latest runs.",
    )
    status.add_argument("--json", action="store_true", help="print JSON for scripts")
    status.set_defaults(handler=status_command, several=status_several)

    images = subparsers.add_parser(
        "images", help="ECR images grouped by target (reads ECR only)",
        description="ECR images grouped by target, newest first. Needs only AWS access.",
    )
    images.add_argument("--json", action="store_true", help="print JSON for scripts")
    images.add_argument("--limit", type=int, default=15, metavar="N", help="rows per target in the table (default 15; JSON has all)")
    images.set_defaults(handler=images_command, wiring="settings")


def one_shot(handler):
    """For commands that build a burst of long-lived objects (10,000 images), print them and exit:
    the cyclic collector would only re-scan them (~15 % of `images --json`'s CPU), so it is paused
    for the command. Reference counting still frees everything; the TUI and the action commands,
    which follow runs for minutes, keep the collector."""

    @functools.wraps(handler)
    async def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return await handler(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


async def _status_snapshot(backend, settings: Settings) -> Snapshot:
    # The pointer-tagged images are all that status shows (states, drift): no full listing.
    from console.actions.audit import AuditLog  # the actions layer only when status runs
    from console.actions.direct_rollbacks import with_direct_rollbacks

    snapshot: Snapshot = await backend.snapshot(pointers_only=True)
    snapshot = with_direct_rollbacks(snapshot, AuditLog.for_settings(settings))  # break-glass ones, from this machine
    if settings.only_targets:  # --target: these targets' rows only (the tags were read against all)
        chosen = select_targets(snapshot.targets, settings.only_targets)
        snapshot = replace(snapshot, targets=chosen, states=tuple(s for s in snapshot.states if s.target in chosen),
                           behind=tuple((t, n) for t, n in snapshot.behind if t in chosen))
    return snapshot


@one_shot
async def status_command(args: argparse.Namespace, backend, settings: Settings) -> int:
    snapshot = await _status_snapshot(backend, settings)
    if args.json:
        _print_json(status_json(snapshot))
    else:
        _print_status(snapshot)
    return 0


@one_shot
async def status_several(args: argparse.Namespace, backends, every: list[Settings]) -> int:
    """Several repositories read side by side: ``{"repositories": [<one repository's document>, ...]}``
    (a repository that could not be read: ``{"repository": ..., "error": ...}``, and exit 1), or one
    block per repository."""
    gathered = await asyncio.gather(*(_status_snapshot(b, s) for b, s in zip(backends, every, strict=True)),
                                    return_exceptions=True)
    results: list[Snapshot | ConsoleError] = []
    for result in gathered:  # anything but a ConsoleError is a bug: the usual crash path reports it
        if isinstance(result, BaseException) and not isinstance(result, ConsoleError):
            raise result
        results.append(result)
    if args.json:
        _print_json({"repositories": [
            status_json(r) if isinstance(r, Snapshot) else {"repository": s.repo, "error": r.message}
            for r, s in zip(results, every, strict=True)
        ]})
    else:
        for result, settings in zip(results, every, strict=True):
            if isinstance(result, Snapshot):
                _print_status(result)
            else:
                _print_unreadable(settings.repo, result.message)
    return 1 if any(isinstance(r, ConsoleError) for r in results) else 0


@one_shot
async def images_command(args: argparse.Namespace, _backend, settings: Settings) -> int:
    # Only ECR: no GitHub client, so this is as cheap as listing the repository by hand.
    from console.services.registry import Registry

    if args.limit < 1:  # before any request
        raise ConfigError(f"--limit must be at least 1, not {args.limit}.")
    images = await Registry.from_settings(settings).list_images()
    targets = known_targets(settings.targets, {t for i in images for t in i.tags})
    chosen = select_targets(targets, settings.only_targets)
    states = target_states(images, targets, environments=settings.environments)
    if args.json:
        production = settings.production_repository or settings.ecr_repository
        listing = images_json(images, targets, states)
        if settings.only_targets:
            listing["targets"] = {t: listing["targets"][t] for t in chosen}
        _print_json({"repository": settings.ecr_repository, "production_repository": production, **listing})
        return 0
    _print_images(settings, images, targets, states, args.limit, chosen)
    return 0


def _print_images(settings: Settings, images, targets: tuple[str, ...], states, limit: int,
                  chosen: tuple[str, ...]) -> None:
    from rich.table import Table  # the tables only: `--json` does not pay for rich's import
    from rich.text import Text

    from console.actions.render import cell, cells
    from console.commands.output import show

    if not images:
        show(Text.assemble("ECR repository ", cell(settings.ecr_repository, "bold"),
                           " holds no images yet: push to main to build the first."))
        return
    where = running_where(states)
    now = datetime.now(UTC)
    tables = []
    for target, group in group_by_target(images, targets).items():
        if target not in chosen:
            continue
        shown = f"{len(group)} images" if len(group) <= limit else f"newest {limit} of {len(group)} images; --limit N"
        table = Table(title=cell(f"{target} ({shown})"), title_justify="left", expand=False)
        for column in ("digest", "version", "tags", "pushed", "size", "runs in"):
            table.add_column(column)
        for image in group[:limit]:
            table.add_row(*cells(
                short_digest(image.digest), image_version(image, targets) or "-", ", ".join(sorted(image.tags)),
                ago(image.pushed, now), human_size(image.size_bytes) if image.size_bytes else "-",
                ", ".join([*where.get(image.digest, []), *(["archived"] if image.archived else [])]) or "-",
            ))
        tables.append(table)
    show(*tables)


def _print_json(payload: dict) -> None:
    """Indented for a person at a terminal; compact for a pipe (the fast encoder: 10,000 images)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(payload, indent=indent) + "\n")


def drift_label(snapshot: Snapshot, state, behind: dict[str, int]) -> str:
    """Production: how many releases it is behind; staging: whether it runs what production does not."""
    if state.environment == PRODUCTION and state.target in behind:
        count = behind[state.target]
        return f"{count} release{'s' if count != 1 else ''} behind" if count else "newest release"
    if state.environment == STAGING and staging_ahead(snapshot.images, state.target):
        return "ahead of production"
    return "-"


def _print_unreadable(repo: str, message: str) -> None:
    from rich.text import Text

    from console.actions.render import cell
    from console.commands.output import show

    show(Text.assemble(cell(repo, "bold"), "  ", ("could not be read: ", "red"), cell(message)))


def _print_status(snapshot: Snapshot) -> None:
    from rich.table import Table
    from rich.text import Text

    from console.actions.render import cell, cells
    from console.commands.output import say, show

    now = datetime.now(UTC)
    layout = snapshot.layout
    where = (Text.assemble("ECR ", cell(snapshot.ecr_repository, "bold")) if not snapshot.production_repository
             else Text.assemble("ECR staging ", cell(layout["staging_repository"], "bold"), ", production ",
                                cell(layout["production_repository"], "bold")))
    parts: list = [Text.assemble(cell(snapshot.repo, "bold"), "  ", where)]
    for run, approval in snapshot.approvals:
        can = "you can approve" if approval.current_user_can_approve else "you cannot approve"
        parts.append(Text.assemble((" WAITING ", "reverse yellow"), cell(
            f" {approval.environment} for {run.head_branch} ({run.name} #{run.run_number}, run {run.id}); "
            f"reviewers: {', '.join(approval.reviewers) or '-'}; {can}")))
    for rolled in snapshot.rolled_back:
        parts.append(Text.assemble((" ROLLED BACK ", "reverse red"), cell(f" {rolled.target}: {rolled.line(now)}")))
    behind = snapshot.releases_behind()
    table = Table(title="Environments", title_justify="left")
    for column in ("environment", "target", "version", "digest", "since", "via", "drift"):
        table.add_column(column)
    for state in snapshot.states:
        table.add_row(*cells(state.environment, state.target, state.label, short_digest(state.digest),
                             since_label(state, now), via_label(state, snapshot.runs),
                             drift_label(snapshot, state, behind)))
    parts.append(table if snapshot.states else Text("No targets found in ECR yet: push to main to build the first images."))
    runs = Table(title="Recent runs", title_justify="left")
    for column in ("workflow", "#", "status", "ref", "actor", "when"):
        runs.add_column(column)
    for run in snapshot.runs[:10]:
        runs.add_row(*cells(run.name, str(run.run_number), run.outcome, run.head_branch or "-", run.actor,
                            ago(run.created_at, now)))
    parts.append(runs if snapshot.runs else Text("No workflow runs yet."))
    show(*parts)
    for warning in snapshot.errors:
        say(f"warning: {warning}")
