"""What a rollback un-ships: per group of targets going the same way, GitHub's compare of the release
it goes back to with the one production runs. A preview never fails on it: when a side has no release
tag or build commit, or GitHub cannot compare them, the reason is one line instead of the list."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from console.actions.context import ActionContext
from console.errors import ConsoleError
from console.model import Image, RollbackPlan
from console.model.compare import Unshipped
from console.model.images import image_build_sha
from console.model.plans import RollbackStep


async def unshipped(ctx: ActionContext, plan: RollbackPlan, images: Sequence[Image]) -> tuple[Unshipped, ...]:
    """One entry per (rolls back to, production runs) pair, in the plan's target order."""
    targets = ctx.targets(list(images))
    by_digest = {i.digest: i for i in images}
    groups: dict[tuple[str | None, str | None], list[str]] = {}
    for step in plan.steps:
        groups.setdefault(_refs(step, by_digest, targets), []).append(step.target)
    return tuple(await asyncio.gather(*(_compare(ctx, tuple(names), base, head)
                                        for (base, head), names in groups.items())))


def _refs(step: RollbackStep, by_digest: dict[str, Image], targets: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(base, head) to compare: each side's release version, else the commit its build tag names."""
    def ref(version: str | None, digest: str) -> str | None:
        image = by_digest.get(digest)
        return version or (image_build_sha(image, targets) if image else None)

    return ref(step.to_version, step.to_digest), ref(step.from_version, step.from_digest)


async def _compare(ctx: ActionContext, targets: tuple[str, ...], base: str | None, head: str | None) -> Unshipped:
    if base is None or head is None:
        side = "production's image" if head is None else "the image it goes back to"
        return Unshipped(targets, base, head, note=f"{side} carries no release tag or build commit, so the "
                                                   "commits cannot be compared")
    try:
        return Unshipped(targets, base, head, await ctx.github.comparison(base, head))
    except ConsoleError as exc:
        return Unshipped(targets, base, head, note=f"GitHub could not compare {_short(base)}...{_short(head)}: "
                                                   f"{exc.message.rstrip('.')}")


def _short(ref: str) -> str:
    return ref[:7] if len(ref) == 40 else ref
