"""Environments: what each one runs per target, the rollback target, and the deployment history."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from console.model import PRODUCTION, Deployment, Snapshot
from console.model.environments import deployment_targets
from console.model.format import ago, since_label, via_label
from console.model.images import image_version, short_digest
from console.ui.format import status_text, web_base
from console.ui.prepare import Prepared
from console.ui.views.base import View
from console.ui.widgets.columns import Col
from console.ui.widgets.tables import replace_rows, row_table, selected_key


class EnvironmentsView(View):
    title = "Environments"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._deployments: dict[str, Deployment] = {}

    def compose(self) -> ComposeResult:
        # Col(label, min, priority): at 80 columns Via and Rollback to give way first; Via grows.
        running = row_table(Col("Env", 7, 9), Col("Target", 7, 9), Col("Version", 7, 8), Col("Digest", 8, 6),
                            Col("Since", 8, 5), Col("Rollback to", 10, 4), Col("Via", 8, 3, grow=True),
                            id="env-targets")
        running.border_title = "Running now"
        yield running
        yield Static("No deployments recorded yet: the CD workflow creates one per staging and production "
                     "deploy.", id="env-empty", classes="empty")
        # Target tells apart the one-per-target deployments of a release; Description gives way first.
        history = row_table(Col("Env", 7, 9), Col("Target", 7, 8), Col("Status", 9, 7), Col("Ref", 6, 6),
                            Col("SHA", 7, 5), Col("By", 8, 4), Col("When", 8, 7), Col("Description", 8, 2, grow=True),
                            id="deployments")
        history.border_title = "Deployment history"
        yield history

    def show(self, snapshot: Snapshot, prepared: Prepared, now: datetime) -> None:
        rows = []
        for state in snapshot.states:
            rollback: Text | str = "-"
            if state.environment == PRODUCTION:
                previous = prepared.rollback_to.get(state.target)
                rollback = Text(f"{image_version(previous, snapshot.targets) or 'digest'} "
                                f"{previous.short_digest[:8]}", "yellow") if previous else Text("none", "dim")
            version = Text(state.label if state.digest else "nothing", "bold" if state.digest else "dim italic")
            known = "" if state.deployment or not state.digest else "yellow"
            rows.append((f"{state.environment}:{state.target}",
                         (state.environment, state.target, version, short_digest(state.digest)[:8],
                          Text(since_label(state, now), known), rollback,
                          Text(via_label(state, snapshot.runs), known))))
        replace_rows(self.query_one("#env-targets", DataTable), rows)
        self._deployments = {str(d.id): d for d in snapshot.deployments}
        self.set_class(not snapshot.deployments, "-empty")
        history = sorted(snapshot.deployments, key=lambda d: d.created_at, reverse=True)
        targets = deployment_targets(history, snapshot.images, snapshot.targets)
        replace_rows(self.query_one("#deployments", DataTable),
                     ((str(d.id), (d.environment, targets[d.id] or "-", status_text(d.state), d.ref, d.sha[:7],
                                   d.creator, ago(d.created_at, now), d.description)) for d in history))

    def _focused(self) -> str | None:
        focused = self.screen.focused
        return focused.id if isinstance(focused, DataTable) else None

    def selected_target(self) -> str | None:
        key = selected_key(self.query_one("#env-targets", DataTable))
        return key.split(":", 1)[1] if key and self._focused() != "deployments" else None

    def _selected_deployment(self) -> Deployment | None:
        if self._focused() != "deployments":
            return None
        return self._deployments.get(selected_key(self.query_one("#deployments", DataTable)) or "")

    def selected_run_id(self) -> int | None:
        deployment = self._selected_deployment()
        return deployment.run_id if deployment else None

    def selected_url(self) -> str | None:
        deployment = self._selected_deployment()
        if deployment and deployment.statuses and deployment.statuses[0].log_url:
            return deployment.statuses[0].log_url
        key = selected_key(self.query_one("#env-targets", DataTable))
        environment = deployment.environment if deployment else (key.split(":")[0] if key else None)
        return f"{web_base(self.settings.github_url)}/{self.settings.repo}/deployments/{environment}" \
            if environment else None

    def selected_copy(self) -> str | None:
        deployment = self._selected_deployment()
        if deployment:
            return deployment.sha
        key = selected_key(self.query_one("#env-targets", DataTable))
        if key and self.snapshot:
            state = self.snapshot.state(*key.split(":", 1))
            return state.digest if state else None
        return None
