"""Seeded history, deterministic with ``seed``: commits on main, CI/CD/Security runs, releases,
deployments, environments, and the ECR images those runs pushed.

The default shape (``images=None, runs=None``): ~36 commits over six weeks, releases v1.0.0..v1.4.0
(production on v1.4.0, previous v1.3.0), v1.5.0 tagged and waiting for production approval (the
simulator starts that run), staging on the newest build, a recent failed CI run and a failed
Security scan. ``images``/``runs`` scale it: more commits further back, older ``v0.N.0`` releases.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from console.sandbox import pipeline
from console.sandbox.contents import bundled_workflows
from console.sandbox.ecr_seed import ImageSeed, make_manifest
from console.sandbox.runner import materialize
from console.sandbox.serializers import HTML
from console.sandbox.state import (
    BOT,
    DEPLOYMENT_ID_BASE,
    RUN_ID_BASE,
    STATUS_ID_BASE,
    Commit,
    DeploymentRec,
    DeploymentStatusRec,
    EnvironmentRec,
    GitHubState,
    Job,
    Run,
)

RELEASES = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0", "v1.4.0")
PENDING_RELEASE = "v1.5.0"
REVIEWERS = ("octo-operator", "release-captain")
AUTHORS = ("alice", "bob", "carol", "octo-operator", "dependabot[bot]")
SUBJECTS = (
    "Fix cart total rounding", "Add /healthz endpoint", "Bump boto3 from 1.35.8 to 1.35.9",
    "Cache product images", "Retry payment webhook on 502", "Speed up search index build",
    "Log request ids", "Drop Python 3.10", "Tighten CSP headers", "Paginate order history",
    "Fix flaky checkout test", "Add Spanish translations", "Reduce image size", "Upgrade Debian base",
)
DEFAULT_COMMITS = 36
SMALL_SPAN = timedelta(days=42)
ATTESTED_SINCE = timedelta(days=30)  # the seeded team attests its builds for the last 30 days


@dataclass
class Planned:
    """A run to materialize if it falls inside the history window (newest ``runs`` runs)."""

    created_at: datetime
    workflow: str
    event: str
    branch: str
    commit: Commit
    actor: str
    title: str
    spec: Callable[[], pipeline.RunSpec]  # built only for runs inside the history window
    outputs: Callable[[str], list[str]]
    deploy_ref: str | None = None  # its environment jobs make deployments of this ref
    deployed: dict[str, str] = field(default_factory=dict)  # target -> the digest its deploy job ships


@dataclass
class History:
    images: list[ImageSeed]
    pending_release: tuple[str, Commit]  # version and commit the simulator starts waiting
    head: Commit


def _hexsha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _commits(rng: random.Random, count: int, anchor: datetime) -> list[Commit]:
    span = SMALL_SPAN if count <= DEFAULT_COMMITS * 3 else timedelta(hours=4) * count
    step = span / count
    commits: list[Commit] = []
    when = anchor - span
    for i in range(count):
        when += step * rng.uniform(0.7, 1.3)
        when = min(when, anchor - timedelta(hours=2) - step * 0.05 * (count - i))
        author = rng.choice(AUTHORS)
        subject = rng.choice(SUBJECTS)
        commits.append(Commit(_hexsha(rng), subject, author, when.replace(microsecond=0),
                              commits[-1].sha if commits else None))
    return commits


def _release_positions(count: int) -> dict[int, str]:
    """Commit index -> version: v1.x near the top, older v0.N.0 every 40 commits below."""
    offsets = (28, 22, 16, 11, 7)
    positions = {count - off: v for off, v in zip(offsets, RELEASES) if count - off >= 0}
    older = range(count - offsets[0] - 40, -1, -40)
    for n, idx in enumerate(reversed(older)):
        positions[idx] = f"v0.{n + 1}.0"
    return positions


def environments(st: GitHubState, anchor: datetime) -> None:
    """``production`` with required reviewers; every other environment cd.yml names (the cleanup
    environment) without protection, as the README's setup describes."""
    from console.sandbox.workflow_graph import load

    created = anchor - timedelta(days=400)
    st.environments["staging"] = EnvironmentRec(st.new_id(7_000_000_000), "staging", created)
    st.environments["production"] = EnvironmentRec(
        st.new_id(7_000_000_000), "production", created, reviewers=list(REVIEWERS),
        reviewer_teams=["release-managers"], wait_timer=0, custom_branch_policies=True,  # main and v*
    )
    others = sorted(load("cd.yml").environments() - set(st.environments))
    for i, name in enumerate(others):  # ids off the shared counter: the seeded history's ids stay put
        st.environments[name] = EnvironmentRec(7_000_000_900 + i, name, created)


def build(st: GitHubState, *, seed: int, targets: tuple[str, ...], images: int | None, runs: int | None,
          anchor: datetime, image_url: Callable[[str], str]) -> History:
    """``image_url``: digest -> the environment url a deploy job records (see ``ecr_seed.image_url``)."""
    rng = random.Random(seed)
    per_target = -(-images // len(targets)) if images else 0
    count = max(DEFAULT_COMMITS, int(per_target / 0.85) + 20, int((runs or 0) / 2.2) + 8)  # ~10% fail CI
    commits = _commits(rng, count, anchor)
    st.commits = commits
    st.created_at = anchor - timedelta(days=400)
    environments(st, anchor)
    st.files = bundled_workflows()
    releases = _release_positions(count)
    pending_at = count - 4
    failing_ci = {i for i in range(count) if rng.random() < 0.1} | {count - 2}
    failing_ci -= set(releases) | {pending_at, count - 1}
    for idx, version in releases.items():
        st.tags[version] = commits[idx].sha
    st.tags[PENDING_RELEASE] = commits[pending_at].sha

    plans: list[Planned] = []
    seeds: list[ImageSeed] = []
    for i, c in enumerate(commits):
        ci_fails = i in failing_ci
        plans.append(Planned(c.date + timedelta(seconds=25), "ci.yml", "push", "main", c, c.author, c.message,
                             partial(pipeline.ci, targets, c.sha, test_fails=ci_fails), lambda a: []))
        if ci_fails:
            continue
        built = []
        for ti, t in enumerate(targets):
            manifest, digest, size = make_manifest(seed, c.sha, t, ti)
            built.append(ImageSeed(t, c.sha, manifest, digest, size, c.date + timedelta(minutes=5, seconds=20),
                                   [f"sha-{c.sha}-{t}"]))
        seeds += built
        plans.append(Planned(c.date + timedelta(minutes=5), "cd.yml", "workflow_run", "main", c, c.author,
                             pipeline.staging_title(c.message), partial(pipeline.cd_staging, targets, c.sha),
                             _staging_output(built), "main", _digests(built)))
        if i in releases:
            version = releases[i]
            for img in built:
                img.tags.append(f"{version}-{img.target}")
            plans.append(Planned(c.date + timedelta(hours=3), "cd.yml", "push", version, c, "octo-operator",
                                 pipeline.release_title(version), partial(pipeline.cd_release, targets, version),
                                 _release_output(version, built), version, _digests(built)))
    _pointer_tags(seeds, commits, releases)
    _security(plans, commits, anchor)
    _materialize(st, plans, runs, image_url)
    kept = _images_window(seeds, images)
    _attestations(st, kept, anchor - ATTESTED_SINCE)
    return History(kept, (PENDING_RELEASE, commits[pending_at]), commits[-1])


def _attestations(st: GitHubState, images: list[ImageSeed], since: datetime) -> None:
    """CD staging attested each digest it pushed (actions/attest-build-provenance), since the team
    adopted it: images pushed before ``since`` have none."""
    staging = {r.head_sha: r for r in st.runs.values() if r.workflow == "cd.yml" and r.event == "workflow_run"}
    for image in images:
        run = staging.get(image.sha)
        if run is not None and image.pushed_at >= since:
            st.add_attestation(image.digest, run, image.pushed_at + timedelta(seconds=30))


def _pointer_tags(seeds: list[ImageSeed], commits: list[Commit], releases: dict[int, str]) -> None:
    by_sha: dict[str, list[ImageSeed]] = {}
    for s in seeds:
        by_sha.setdefault(s.sha, []).append(s)
    release_sha = {v: commits[i].sha for i, v in releases.items()}
    ordered = [v for v in RELEASES if v in release_sha] or sorted(release_sha)
    pointers = [("staging", commits[-1].sha)]
    if ordered:
        pointers.append(("latest", release_sha[ordered[-1]]))
    if len(ordered) > 1:
        pointers.append(("previous", release_sha[ordered[-2]]))
    for prefix, sha in pointers:
        for img in by_sha.get(sha, []):
            img.tags.append(f"{prefix}-{img.target}")


def _images_window(seeds: list[ImageSeed], limit: int | None) -> list[ImageSeed]:
    """All images, or the ``limit`` newest (images carrying release or pointer tags always stay)."""
    if limit is None or len(seeds) <= limit:
        return seeds
    newest = sorted(seeds, key=lambda s: s.pushed_at, reverse=True)
    must = [s for s in newest if len(s.tags) > 1]
    rest = [s for s in newest if len(s.tags) == 1]
    return must + rest[: max(limit - len(must), 0)]


def _security(plans: list[Planned], commits: list[Commit], anchor: datetime) -> None:
    """Security.yml's schedule: Mondays 04:17 UTC; the newest scan found a CVE."""
    start = max(commits[0].date, anchor - timedelta(days=49))
    day = start.replace(hour=4, minute=17, second=0) + timedelta(days=(7 - start.weekday()) % 7 or 7)
    scans = []
    while day < anchor:
        scans.append(day)
        day += timedelta(days=7)
    for day in scans:
        head = max((c for c in commits if c.date <= day), key=lambda c: c.date, default=commits[0])
        plans.append(Planned(day, "security.yml", "schedule", "main", head, BOT, "Security",
                             partial(pipeline.security, fails=day == scans[-1]), lambda a: []))


def _digests(built: list[ImageSeed]) -> dict[str, str]:
    return {b.target: b.digest for b in built}


def _staging_output(built: list[ImageSeed]) -> Callable[[str], list[str]]:
    by_target = {b.target: b for b in built}

    def out(action: str) -> list[str]:
        kind, _, target = action.partition(":")
        b = by_target[target]
        if kind == "push_image":
            return [f"sha-{b.sha}-{target}: digest: {b.digest} size: {b.size}"]
        return [f"staging-{target} -> {b.digest}"]

    return out


def _release_output(version: str, built: list[ImageSeed]) -> Callable[[str], list[str]]:
    by_target = {b.target: b for b in built}

    def out(action: str) -> list[str]:
        kind, _, target = action.partition(":")
        if kind == "cleanup":
            return ["nothing to delete beyond the newest releases"]
        b = by_target[target]
        if kind == "resolve":
            return [f"staging/{target} tested sha-{b.sha}-{target} ({b.digest})"]
        return [f"latest-{target} := {version}-{target} ({b.digest})"]

    return out


def _materialize(st: GitHubState, plans: list[Planned], limit: int | None, image_url: Callable[[str], str]) -> None:
    plans.sort(key=lambda p: p.created_at)
    if limit is not None:
        plans = plans[-limit:]
    numbers: dict[str, int] = {}
    for p in plans:
        numbers[p.workflow] = numbers.get(p.workflow, 0) + 1
        run = Run(st.new_id(RUN_ID_BASE), p.workflow, numbers[p.workflow], p.event, p.branch, p.commit.sha, p.actor,
                  p.title, p.created_at, p.created_at)
        st.add_run(run)
        spec = p.spec()
        materialize(st, run, spec, p.outputs)
        if p.deploy_ref is None:
            continue
        makes_deployment = {js.name: js for stage in spec.stages for js in stage if js.environment and js.deployment}
        for job in run.jobs:
            spec_of = makes_deployment.get(job.name)
            env, started = job.environment, job.started_at  # both set for every job that ran
            if spec_of is not None and env and started and job.conclusion in ("success", "failure"):
                # A seeded leg fails, if ever, before its deploy step: only a success names an image.
                digest = p.deployed.get(spec_of.target or "")
                url = image_url(digest) if digest and job.conclusion == "success" else ""
                add_deployment(st, env, p.deploy_ref, p.commit.sha, started, run, job, p.actor,
                               job.conclusion, job.completed_at, url)
                if env == "staging" and digest:
                    record_staging(st, run, spec_of.target or "", digest, job.conclusion == "success",
                                   job.completed_at or started)
    # Numbering continues from the history (run_number is per workflow, and grows).


def record_staging(st: GitHubState, run: Run, target: str, digest: str, ok: bool, at: datetime) -> None:
    """The commit status CD staging writes for each target (.github/scripts/commit-status.sh): the
    production gate, and the approve preview, read it back."""
    description = f"smoke-tested {digest}" if ok else "staging failed; this commit cannot be released"
    st.add_commit_status(run.head_sha, f"staging/{target}", "success" if ok else "failure", description,
                         f"{HTML}/{st.full_name}/actions/runs/{run.id}", at)


def add_deployment(st: GitHubState, env: str, ref: str, sha: str, at: datetime, run: Run, job: Job,
                   creator: str, final: str | None, final_at: datetime | None,
                   environment_url: str = "") -> DeploymentRec:
    """A deployment as an environment-gated job makes one, with queued/in_progress/(final) statuses."""
    url = f"{HTML}/{st.full_name}/actions/runs/{run.id}/job/{job.id}"
    with st.lock:
        dep = DeploymentRec(st.new_id(DEPLOYMENT_ID_BASE), env, ref, sha, at, creator=creator)
        dep.statuses.append(DeploymentStatusRec(st.new_id(STATUS_ID_BASE), "queued", at, "", url))
        dep.statuses.append(DeploymentStatusRec(st.new_id(STATUS_ID_BASE), "in_progress", at, "", url))
        st.deployments[dep.id] = dep
        if final:
            finish_deployment(st, dep, final, final_at or at, environment_url=environment_url)
        return dep


def finish_deployment(st: GitHubState, dep: DeploymentRec, state: str, at: datetime, description: str = "",
                      environment_url: str = "") -> None:
    """Final status, carrying the job's environment url (GitHub sets it when the job ends). Like GitHub's
    ``auto_inactive``, a success marks the environment's earlier successful deployments inactive, except
    in production (a ``production_environment`` keeps its history)."""
    url = dep.statuses[-1].log_url if dep.statuses else ""
    with st.lock:
        if state == "success" and dep.environment != "production":
            for other in st.active_deployments.pop(dep.environment, []):
                own = other.statuses[-1].log_url if other.statuses else ""  # its own job's page
                other.statuses.append(DeploymentStatusRec(st.new_id(STATUS_ID_BASE), "inactive", at, "", own))
            st.active_deployments[dep.environment] = [dep]
        dep.statuses.append(DeploymentStatusRec(st.new_id(STATUS_ID_BASE), state, at, description, url,
                                                environment_url=environment_url))
