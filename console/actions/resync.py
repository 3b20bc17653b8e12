"""The re-sync hazard (Argo CD #5351): approving a release while a target is rolled back moves that
target forward again, to the release the rollback was perhaps meant to escape. Which targets, read
from the same GitHub data as the Overview (model/rollbacks.py), for the approve preview."""

from __future__ import annotations

import asyncio

from console.actions.context import ActionContext
from console.errors import ConsoleError
from console.model import PRODUCTION, Image
from console.model.environments import tag_digests, target_states
from console.model.rollbacks import RolledBack, rolled_back

DEPLOYMENTS = 20  # as many as the Overview reads per environment (services/backend.py)


async def moved_forward(ctx: ActionContext, images: list[Image], targets: tuple[str, ...],
                        going: set[str]) -> tuple[tuple[RolledBack, ...], str]:
    """(the rolled-back targets among ``going`` — those the release changes —, or a note why the
    console cannot tell). Never raises: the preview goes on without it."""
    try:
        deployments, runs = await asyncio.gather(
            ctx.github.deployments(environment=PRODUCTION, per_page=DEPLOYMENTS),
            ctx.github.recent_dispatches(ctx.settings.workflows.cd))
    except ConsoleError as exc:
        return (), f"could not tell whether a target is rolled back: {exc.message.rstrip('.')}"
    tags = tag_digests(images)
    states = target_states(images, targets, deployments, (PRODUCTION,), tags)
    return tuple(r for r in rolled_back(states, deployments, runs, tags, targets) if r.target in going), ""
