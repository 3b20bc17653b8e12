"""The sandbox's GitHub stand-in app served over loopback HTTP with a small hand-made state.

Small and fully controlled (40 CI runs for pagination, one waiting CD run, environments,
deployments); the pipeline simulator is replaced by a recorder of dispatches.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.sandbox.faults import Faults
from console.sandbox.github_app import build_app
from console.sandbox.loopback import LoopbackServer
from console.sandbox.pipeline import dispatch_title
from console.sandbox.state import (
    Commit,
    DeploymentRec,
    DeploymentStatusRec,
    EnvironmentRec,
    GitHubState,
    Job,
    Run,
    Step,
)

SHA = "a" * 40
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class RecordingSimulator:
    """Creates the dispatched run as the bundled CD workflow would (title carries [request_id])."""

    def __init__(self, state: GitHubState) -> None:
        self.state = state
        self.dispatched: list[dict] = []

    def dispatch(self, workflow: str, ref: str, inputs: dict[str, str]) -> Run:
        self.dispatched.append(dict(inputs))
        now = datetime.now(UTC)
        title = dispatch_title(inputs)
        run = Run(self.state.new_id(900_000), workflow, self.state.next_run_number(workflow), "workflow_dispatch",
                  ref, SHA, "octo-operator", title, now, now, status="queued")
        return self.state.add_run(run)

    def cancel(self, run) -> None:
        run.status, run.conclusion = "completed", "cancelled"

    def rerun(self, run, failed_only: bool) -> None:
        run.run_attempt += 1
        run.status, run.conclusion = "queued", None

    def review(self, run, environments, approve, comment):
        run.pending = []
        run.status = "in_progress" if approve else "completed"
        return []


def seed() -> GitHubState:
    st = GitHubState()
    st.commits += [Commit(SHA, "feat: first\n\nbody", "alice", T0), Commit("b" * 40, "fix: second", "bob", T0, SHA)]
    for i in range(40):
        at = T0 + timedelta(minutes=i)
        run = Run(100 + i, "ci.yml", i + 1, "push", "main", SHA, "alice", f"ci {i}", at, at,
                  status="completed", conclusion="success" if i % 5 else "failure", run_started_at=at)
        run.jobs.append(Job(10_000 + i, run.id, "build", [Step(1, "checkout", status="completed", conclusion="success",
                                                             started_at=at, completed_at=at, output=["hello"])],
                            status="completed", conclusion="success", started_at=at, completed_at=at))
        st.add_run(run)
    waiting = Run(500, "cd.yml", 1, "push", "v1.2.0", SHA, "alice", "CD v1.2.0", T0, T0, status="waiting",
                  pending=["production"], wait_started_at=T0, run_started_at=T0)
    st.add_run(waiting)
    matrix = Run(600, "ci.yml", 41, "push", "main", SHA, "alice", "matrix", T0, T0, status="completed", conclusion="success")
    matrix.jobs = [Job(20_000 + j, 600, f"test ({j})", status="completed", conclusion="success", started_at=T0,
                       completed_at=T0) for j in range(130)]
    st.add_run(matrix)
    st.environments["staging"] = EnvironmentRec(1, "staging", T0)
    st.environments["production"] = EnvironmentRec(2, "production", T0, reviewers=["octo-operator"],
                                                   reviewer_teams=["sre"], wait_timer=5)
    st.deployments[70] = DeploymentRec(70, "production", "v1.1.0", SHA, T0, payload={"run_id": 120},
                                       statuses=[DeploymentStatusRec(71, "in_progress", T0),
                                                 DeploymentStatusRec(72, "success", T0 + timedelta(minutes=2))])
    return st


class StandIn:
    """Served the way the Sandbox serves its stand-in (console.sandbox.loopback)."""

    def __init__(self) -> None:
        self.state = seed()
        self.faults = Faults()
        self.simulator = RecordingSimulator(self.state)
        self.http = LoopbackServer(build_app(self.state, self.faults, self.simulator), name="services-stand-in")
        self.url = ""

    def start(self) -> StandIn:
        self.url = self.http.start(timeout=10)
        return self

    def stop(self) -> None:
        self.http.stop()

    def counted(self) -> int:
        return self.state.counted_requests()
