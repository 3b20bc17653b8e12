"""The GitHub stand-in's in-memory store: runs, jobs, environments, deployments, commits, requests.

Everything is mutated under ``state.lock`` (an RLock): the ASGI app and the simulator run in the
stand-in's event-loop thread, tests read from their own thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

# Workflow files of the bundled workflows, with stable ids (id, display name).
WORKFLOWS: dict[str, tuple[int, str]] = {
    "ci.yml": (161001, "CI"),
    "cd.yml": (161002, "CD"),
    "security.yml": (161003, "Security"),
    "notify.yml": (161004, "Notify"),
}
BOT = "github-actions[bot]"
# Id ranges like github.com's (ids grow with time; one counter keeps them unique).
RUN_ID_BASE = 11_000_000_000
JOB_ID_BASE = 31_000_000_000
DEPLOYMENT_ID_BASE = 2_000_000_000
STATUS_ID_BASE = 5_000_000_000
ATTESTATION_ID_BASE = 9_000_000
COMMIT_STATUS_ID_BASE = 8_000_000_000


@dataclass
class Step:
    number: int
    name: str
    duration_s: float = 5.0  # simulated seconds
    output: list[str] = field(default_factory=list)  # log lines this step prints
    status: str = "queued"
    conclusion: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass
class Job:
    id: int
    run_id: int
    name: str
    steps: list[Step] = field(default_factory=list)
    status: str = "queued"  # queued, in_progress, waiting, completed
    conclusion: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    environment: str | None = None
    runner_name: str | None = None
    key: str = ""  # the workflow's job id (a matrix leg shares it): what a re-run of failed jobs keeps


@dataclass
class Run:
    id: int
    workflow: str  # file name, e.g. "cd.yml"
    run_number: int
    event: str
    head_branch: str | None
    head_sha: str
    actor: str
    display_title: str
    created_at: datetime
    updated_at: datetime
    status: str = "queued"
    conclusion: str | None = None
    run_started_at: datetime | None = None
    run_attempt: int = 1
    jobs: list[Job] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # environments waiting for review
    wait_started_at: datetime | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    reviews: list[ReviewRec] = field(default_factory=list)  # oldest first
    results: dict = field(default_factory=dict)  # job key -> its result in the latest attempt (re-run failed)


@dataclass(frozen=True)
class ReviewRec:
    """One approve/reject of a run's pending environments (``GET .../runs/{id}/approvals``)."""

    state: str  # approved | rejected
    user: str
    comment: str
    environments: tuple[str, ...]


@dataclass
class EnvironmentRec:
    id: int
    name: str
    created_at: datetime
    reviewers: list[str] = field(default_factory=list)  # user logins
    reviewer_teams: list[str] = field(default_factory=list)  # team slugs
    wait_timer: int = 0  # minutes
    protected_branches: bool = False
    custom_branch_policies: bool = False  # deployment refs limited by name patterns (main, v*)
    variables: dict[str, str] = field(default_factory=dict)  # Actions variables of this environment
    secrets: set[str] = field(default_factory=set)  # names only: GitHub never returns a secret's value
    prevent_self_review: bool = False  # who started the run may not approve it
    protection_apps: list[str] = field(default_factory=list)  # GitHub App slugs of custom protection rules


@dataclass
class CommitStatusRec:
    """A commit status (``POST /statuses/{sha}``), e.g. staging/<target> written by CD staging."""

    id: int
    context: str
    state: str  # success, failure, error, pending
    description: str
    target_url: str
    created_at: datetime
    creator: str = BOT


@dataclass
class DeploymentStatusRec:
    id: int
    state: str
    created_at: datetime
    description: str = ""
    log_url: str = ""
    creator: str = BOT
    environment_url: str = ""  # the job's environment url (cd.yml: the deployed image's AWS console page)


@dataclass
class DeploymentRec:
    id: int
    environment: str
    ref: str
    sha: str
    created_at: datetime
    creator: str = BOT
    description: str | None = None
    task: str = "deploy"
    payload: dict = field(default_factory=dict)
    statuses: list[DeploymentStatusRec] = field(default_factory=list)  # oldest first


@dataclass
class AttestationRec:
    """A build-provenance attestation: the workflow run that built ``digest`` signed it."""

    id: int
    digest: str
    workflow: str  # the file of the workflow that made it, e.g. "cd.yml"
    run_id: int
    sha: str
    created_at: datetime


@dataclass
class Commit:
    sha: str
    message: str
    author: str
    date: datetime
    parent: str | None = None


@dataclass
class Request:
    method: str
    path: str
    status: int
    counted: bool  # counted against the rate limit (a 304 is not)

    def __iter__(self) -> Iterator[str | int]:  # unpack as (method, path, status)
        return iter((self.method, self.path, self.status))


@dataclass
class GitHubState:
    owner: str = "acme"
    repo: str = "shop"
    user: str = "octo-operator"
    default_branch: str = "main"
    targets: tuple[str, ...] = ("minimal", "runtime")
    created_at: datetime | None = None
    runs: dict[int, Run] = field(default_factory=dict)
    jobs: dict[int, Job] = field(default_factory=dict)
    environments: dict[str, EnvironmentRec] = field(default_factory=dict)
    deployments: dict[int, DeploymentRec] = field(default_factory=dict)
    active_deployments: dict[str, list[DeploymentRec]] = field(default_factory=dict)  # env -> latest success
    commits: list[Commit] = field(default_factory=list)  # main history, oldest first
    tags: dict[str, str] = field(default_factory=dict)  # git tag -> sha
    files: dict[str, str] = field(default_factory=dict)  # default branch: path -> text (the bundled workflows)
    variables: dict[str, str] = field(default_factory=dict)  # the repository's Actions variables
    secrets: set[str] = field(default_factory=set)  # the repository's Actions secrets (names)
    requests: list[Request] = field(default_factory=list)
    # subject digest -> attestations made for it (actions/attest-build-provenance in CD staging)
    attestations: dict[str, list[AttestationRec]] = field(default_factory=dict)
    commit_statuses: dict[str, list[CommitStatusRec]] = field(default_factory=dict)  # sha -> oldest first
    ratelimit_limit: int = 5000
    ratelimit_used: int = 0
    ratelimit_reset: int = field(default_factory=lambda: int(time.time()) + 3600)  # epoch seconds
    cache_max_age: int = 0  # Cache-Control max-age on GETs (github.com sends 60)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    _next_id: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.repo}"

    def new_id(self, base: int = 0) -> int:
        """A fresh id, increasing (ids in GitHub grow with time)."""
        with self.lock:
            self._next_id += 1
            return base + self._next_id

    # --- queries --------------------------------------------------------------------------------

    def commit(self, ref: str) -> Commit | None:
        """Resolve a branch, tag or (short) sha to a commit of main's history."""
        with self.lock:
            if ref in (self.default_branch, "HEAD") and self.commits:
                return self.commits[-1]
            sha = self.tags.get(ref, ref)
            if len(sha) < 7:
                return None
            return next((c for c in reversed(self.commits) if c.sha.startswith(sha)), None)

    def commit_index(self, sha: str) -> int:
        return next(i for i, c in enumerate(self.commits) if c.sha == sha)

    def add_attestation(self, digest: str, run: Run, at: datetime) -> AttestationRec:
        with self.lock:
            # Numbered apart from the shared id counter: seeding them shifts no run or job id.
            number = ATTESTATION_ID_BASE + 1 + sum(len(v) for v in self.attestations.values())
            record = AttestationRec(number, digest, run.workflow, run.id, run.head_sha, at)
            self.attestations.setdefault(digest, []).append(record)
            return record

    def add_commit_status(self, sha: str, context: str, state: str, description: str, target_url: str,
                          at: datetime) -> CommitStatusRec:
        with self.lock:
            # Numbered apart from the shared id counter, like attestations: seeding shifts no run id.
            number = COMMIT_STATUS_ID_BASE + 1 + sum(len(v) for v in self.commit_statuses.values())
            record = CommitStatusRec(number, context, state, description, target_url, at)
            self.commit_statuses.setdefault(sha, []).append(record)
            return record

    def can_review(self, run: Run, env: EnvironmentRec) -> bool:
        """Whether the token's user may approve ``env`` for ``run``: a listed reviewer, not the one who
        started the run when the environment prevents self-review (a custom rule's app decides alone)."""
        return self.user in env.reviewers and not (env.prevent_self_review and run.actor == self.user)

    def is_ancestor(self, older: str, newer: str) -> bool:
        """git merge-base --is-ancestor on main's linear history (a commit is its own ancestor)."""
        with self.lock:
            index = {c.sha: i for i, c in enumerate(self.commits)}
        return older in index and newer in index and index[older] <= index[newer]

    def next_run_number(self, workflow: str) -> int:
        with self.lock:
            return 1 + max((r.run_number for r in self.runs.values() if r.workflow == workflow), default=0)

    def runs_newest_first(self) -> list[Run]:
        with self.lock:
            return sorted(self.runs.values(), key=lambda r: (r.created_at, r.id), reverse=True)

    def deployments_newest_first(self) -> list[DeploymentRec]:
        with self.lock:
            return sorted(self.deployments.values(), key=lambda d: (d.created_at, d.id), reverse=True)

    def counted_requests(self) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.counted)

    def add_run(self, run: Run) -> Run:
        with self.lock:
            self.runs[run.id] = run
            for job in run.jobs:
                self.jobs[job.id] = job
            return run

    def add_job(self, run: Run, job: Job) -> Job:
        with self.lock:
            run.jobs.append(job)
            self.jobs[job.id] = job
            return job
