"""Hand-built Snapshots for the tests that need shapes the sandbox cannot cheaply make (10,000 images,
an empty repository) or a back end that fails on demand. The sandbox-backed tests live beside these."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from console.config import Settings
from console.model import Deployment, DeploymentStatus, Image, Job, PendingApproval, RateLimit, Snapshot, Step, WorkflowRun
from console.model.checks import Check
from console.model.environments import target_states

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
TARGETS = ("minimal", "runtime")


def digest(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def sha(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()


def images(count_per_target: int = 4, targets: tuple[str, ...] = TARGETS) -> list[Image]:
    """Per target: builds, the newest on staging; releases v1.0.0…; latest = newest-but-one release."""
    out: list[Image] = []
    for t_index, target in enumerate(targets):
        releases = max(count_per_target // 2, 2)
        for i in range(count_per_target):
            tags = [f"sha-{sha(f'{target}{i}')}-{target}"]
            if i < releases:
                tags.append(f"v1.{i}.0-{target}")
            if i == releases - 2:
                tags.append(f"latest-{target}")
            if i == releases - 3:
                tags.append(f"previous-{target}")
            if i == count_per_target - 1:
                tags.append(f"staging-{target}")
            pushed = NOW - timedelta(hours=(count_per_target - i) * 5, minutes=t_index)
            out.append(Image(digest(f"{target}{i}"), tuple(tags), pushed, 40_000_000 + i * 1_000 + t_index))
    return out


def run(run_id: int, workflow: str = "ci.yml", status: str = "completed", conclusion: str | None = "success",
        branch: str = "main", minutes_ago: int = 30, title: str = "Fix checkout", actor: str = "octo-dev") -> WorkflowRun:
    names = {"ci.yml": "CI", "cd.yml": "CD", "security.yml": "Security"}
    created = NOW - timedelta(minutes=minutes_ago)
    return WorkflowRun(run_id, workflow, names[workflow], run_id - 1000, "push", status, conclusion, branch,
                       sha(str(run_id)), actor, created, created + timedelta(minutes=3), created,
                       f"http://github.test/acme/shop/actions/runs/{run_id}", title)


def snapshot(image_count: int = 4, approvals: bool = True, empty: bool = False) -> Snapshot:
    if empty:
        return Snapshot("acme/shop", "shop", NOW, targets=())
    imgs = images(image_count)
    runs = [run(1042, "cd.yml", "waiting", None, "v1.6.0", 12, "Release v1.6.0"),
            run(1041, "ci.yml", "completed", "failure", "feature/login", 20, "Add login form"),
            run(1040, "security.yml", minutes_ago=45, title="Nightly scan"),
            run(1039, "cd.yml", minutes_ago=60, title="Deploy staging")]
    deployment = Deployment(7, "staging", "main", sha("1039"), "octo-dev", NOW - timedelta(minutes=57),
                            run_id=1039, statuses=(DeploymentStatus("success", NOW - timedelta(minutes=56)),))
    pending = PendingApproval(1042, 2, "production", 5, NOW - timedelta(minutes=2), ("octo-operator",), True)
    return Snapshot(
        "acme/shop", "shop", NOW, targets=TARGETS, runs=tuple(runs), images=tuple(imgs),
        states=target_states(imgs, TARGETS, [deployment]),
        approvals=((runs[0], pending),) if approvals else (),
        deployments=(deployment,), rate_limit=RateLimit(5000, 4990, 10, NOW + timedelta(minutes=40)))


def jobs_of(run_id: int) -> list[Job]:
    t = NOW - timedelta(minutes=20)
    steps = (Step(1, "Set up job", "completed", "success", t, t + timedelta(seconds=2)),
             Step(2, "Run tests", "completed", "failure", t + timedelta(seconds=2), t + timedelta(seconds=80)),
             Step(3, "Upload", "completed", "skipped", None, None))
    return [Job(run_id * 10, run_id, "lint", "completed", "success", t, t + timedelta(seconds=30)),
            Job(run_id * 10 + 1, run_id, "test (3.11)", "completed", "failure", t, t + timedelta(seconds=80),
                steps=steps)]


LOG = "\n".join(
    ["2026-11-27T09:10:00.0000000Z Current runner version: '2.321.0'"]
    + [f"2026-11-27T09:10:0{i % 10}.0000000Z ##[group]Run Set up job" if i == 1 else
       f"2026-11-27T09:10:00.0000000Z line {i}" for i in range(1, 60)]
    + ["2026-11-27T09:11:00.0000000Z ##[group]Run Run tests", "2026-11-27T09:11:00.0000000Z   Run tests",
       "2026-11-27T09:11:00.0000000Z ##[endgroup]", "2026-11-27T09:11:01.0000000Z FAILED tests/test_login.py",
       "2026-11-27T09:11:02.0000000Z ##[error]Process completed with exit code 1."])


class FakeGitHub:
    async def list_jobs(self, run_id: int) -> list[Job]:
        return jobs_of(run_id)

    async def get_run(self, run_id: int) -> WorkflowRun:
        return run(run_id)

    async def job_log(self, job_id: int) -> str:
        return LOG

    async def waiting_runs(self) -> list[WorkflowRun]:  # the approval watch: nothing new starts waiting
        return []


@dataclass
class FakeBackend:
    """Serves prepared snapshots; ``fail_with`` makes the next refreshes raise that error. ``checks``:
    what its doctor finds (``doctor_fails``: the error its doctor raises instead)."""

    snap: Snapshot = field(default_factory=snapshot)
    fail_with: Exception | None = None
    calls: int = 0
    github: FakeGitHub = field(default_factory=FakeGitHub)
    ecr: object = None  # the app's start builds an ActionContext (audit reconciliation); nothing acts on ECR here

    reused: int = 0  # polls that reused the last ECR listing
    checks: list[Check] = field(default_factory=list)
    doctor_fails: Exception | None = None
    doctor_calls: int = 0

    async def snapshot(self, *, reuse_images=None, pointers_only=False) -> Snapshot:
        self.calls += 1
        if self.fail_with is not None:
            raise self.fail_with
        if reuse_images is not None:
            self.reused += 1
            return replace(self.snap, images=reuse_images)
        return replace(self.snap)

    async def with_all_images(self, snapshot: Snapshot) -> Snapshot:
        return replace(snapshot, images_complete=True)

    async def doctor(self) -> list[Check]:
        self.doctor_calls += 1
        if self.doctor_fails is not None:
            raise self.doctor_fails
        return list(self.checks)

    async def aclose(self) -> None:
        pass


def settings(**overrides) -> Settings:
    return Settings(repo="acme/shop", ecr_repository="shop", github_url="http://github.test",
                    targets=TARGETS, **overrides)
