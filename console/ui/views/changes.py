"""The Overview's "Recent changes": the last deployments, newest first — when, where, what changed
(version before → after), who, through which run. Pure: rows from a Snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from rich.text import Text

from console.model import Snapshot
from console.model.environments import deployment_targets
from console.model.format import ago
from console.model.images import image_build_sha, image_version, short_digest
from console.ui.format import deployment_run, run_label, status_text
from console.ui.widgets.columns import Col

CHANGE_COLUMNS = (Col("When", 8, 8), Col("Env", 7, 7), Col("Target", 7, 8), Col("Change", 14, 9, grow=True),
                  Col("By", 8, 4), Col("Run", 6, 6), Col("Status", 9, 3))


def change_rows(snapshot: Snapshot, now: datetime, limit: int = 30) -> Iterator[tuple[str, tuple]]:
    history = sorted(snapshot.deployments, key=lambda d: (d.created_at, d.id))
    targets = deployment_targets(history, snapshot.images, snapshot.targets)
    by_digest = {image.digest: image for image in snapshot.images}

    def label(digest: str | None) -> str:
        """The version, else the build commit (as the Overview names them), else the short digest."""
        image = by_digest.get(digest or "")
        version = image_version(image, snapshot.targets) if image else None
        sha = image_build_sha(image, snapshot.targets) if image and not version else None
        return version or (f"sha {sha[:7]}" if sha else short_digest(digest)[:12] if digest else "?")

    before: dict[tuple[str, str | None], str] = {}
    rows = []
    for deployment in history:  # oldest first, so each row knows what ran before it
        place = (deployment.environment, targets.get(deployment.id))
        after = label(deployment.digest)
        change = Text(after, "bold")
        if place in before and before[place] != after:
            change = Text.assemble((before[place], "dim"), " → ", (after, "bold"))
        if deployment.state in ("success", "inactive"):  # inactive: it ran, then a newer one replaced it
            before[place] = after
        run = deployment_run(deployment, snapshot.runs)
        rows.append((f"deployment:{deployment.id}",
                     (ago(deployment.created_at, now), deployment.environment, place[1] or "-", change,
                      deployment.creator or "-", run_label(run) if run else "-", status_text(deployment.state))))
    yield from reversed(rows[-limit:])
