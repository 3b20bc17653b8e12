"""Figure 7: what a rollback costs per target — ECR calls, and bytes moved (layer bytes must be 0).

Counted twice: by the console's own ``EcrService.stats`` and by a proxy in front of the ECR
stand-in (what the server saw, with byte counts). Two measurements:
  a) the tag move itself, ``ecr_ops.rollback`` over every target (marginal cost per target);
  b) the whole direct-mode action (``console.actions.rollback``: plan on a fresh listing, move,
     verify on a fresh listing), rolling every target back to an older release.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from bench.ecr_meter import MeteredEcr
from bench.environment import BenchEnv
from bench.report import Row


def _fmt_ops(calls: Counter) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))


class _Operator:
    """GitHub is not involved in a direct rollback except to name the operator in the audit log."""

    async def current_user(self) -> str:
        return "bench-operator"


def _older_release(images, targets: tuple[str, ...]) -> str | None:
    """A release version every target has and none currently runs in production."""
    from console.model.images import find_by_tag, image_versions

    versions = None
    for target in targets:
        have = {v for i in images for v in image_versions(i, targets) if f"{v}-{target}" in i.tags}
        latest = find_by_tag(images, f"latest-{target}")
        have -= set(image_versions(latest, targets)) if latest else set()
        versions = have if versions is None else versions & have
    return sorted(versions)[0] if versions else None


async def figure_rollback(benv: BenchEnv) -> tuple[list[Row], dict]:
    from console.services import ecr_ops
    from console.services.ecr import EcrService

    env = benv.env()
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_") and k != "AWS_ENDPOINT_URL_ECR"})
    targets = benv.targets
    rows: list[Row] = []
    raw: dict = {}
    with MeteredEcr(env["AWS_ENDPOINT_URL_ECR"]) as proxy:
        ecr = EcrService(benv.ecr_repository, region=env["AWS_DEFAULT_REGION"], endpoint_url=proxy.url)
        images = await ecr.list_images()
        found_targets = tuple(t for t in targets if any(f"previous-{t}" in i.tags for i in images))
        proxy.meter.reset()
        ecr.stats.reset()
        outcomes = await ecr_ops.rollback(ecr, found_targets)
        meter = proxy.meter
        per_target = meter.total_calls / len(found_targets)
        raw["ops"] = {"server": dict(meter.calls), "client": dict(ecr.stats.by_operation),
                      "bytes": meter.total_bytes, "layer_bytes": meter.layer_bytes,
                      "changed": [o.changed for o in outcomes]}
        ok = per_target <= 4 and meter.layer_calls == 0 and meter.layer_bytes == 0
        rows.append(Row(f"7. rollback cost per target, tag move ({benv.scale})",
                        f"{per_target:.1f} ECR calls/target, {meter.layer_bytes} layer bytes",
                        f"{len(found_targets)} targets: {_fmt_ops(meter.calls)}", None,
                        "<= 4 calls/target, 0 layer bytes", ok,
                        f"{meter.total_bytes / len(found_targets) / 1024:.1f} KiB/target of manifests+metadata; "
                        f"client counted {ecr.stats.total}, server saw {meter.total_calls}"))
        rows.append(await _direct_action(benv, ecr, proxy, targets, raw))
    return rows, raw


async def _direct_action(benv: BenchEnv, ecr, proxy: MeteredEcr, targets: tuple[str, ...], raw: dict) -> Row:
    from console.actions import rollback as rollback_action
    from console.actions.audit import AuditLog
    from console.actions.context import ActionContext

    images = await ecr.list_images()
    version = _older_release(images, targets)
    if version is None:
        return Row(f"7. rollback, whole direct action ({benv.scale})", "skipped", note="no common older release")
    settings = benv.settings()
    with tempfile.TemporaryDirectory() as state:
        ctx = ActionContext(settings, _Operator(), ecr, AuditLog(Path(state) / "audit.jsonl"))
        proxy.meter.reset()
        plan, _ = await rollback_action.plan(ctx, None, version)
        await rollback_action.execute(ctx, plan, direct=True, reason="bench")
    meter = proxy.meter
    n = len(plan.steps)
    listing = meter.calls.get("DescribeImages", 0) + meter.calls.get("ListImages", 0)
    raw["direct_action"] = {"server": dict(meter.calls), "targets": n, "bytes": meter.total_bytes,
                            "layer_bytes": meter.layer_bytes, "to_version": version}
    marginal = (meter.total_calls - listing) / n
    return Row(f"7. rollback, whole direct action ({benv.scale})",
               f"{meter.total_calls} ECR calls for {n} targets ({meter.total_calls / n:.1f}/target)",
               _fmt_ops(meter.calls), None, "<= 4 calls/target, 0 layer bytes",
               marginal <= 4 and meter.layer_bytes == 0,
               f"{listing} listing calls (plan + verify, fixed per action) + {marginal:.1f}/target; "
               f"{meter.layer_bytes} layer bytes; {meter.total_bytes / 2**20:.1f} MiB of API traffic "
               f"(mostly the two listings); to {version}")
