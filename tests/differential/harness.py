"""One truth, two paths: the deploy scripts (bash + the AWS CLI, what the bundled workflows run) and
``console.services.ecr_ops`` (Python, what direct mode and the sandbox simulator run) must leave ECR in
the same state when given the same registry and the same request.

A :class:`Case` is a registry (``Img`` rows, seeded into a freshly reset moto server), the script with
its environment, and the Python call. :func:`run_both` seeds the registry, runs the script, reads every
repository back, resets, seeds the same registry again, runs the Python call, reads it back, and returns
both :class:`Outcome` s. ``check(case)`` asserts they agree on the final tags and digests and on whether
the operation succeeded, and that the result is the one the case expects (so two paths that both do
nothing cannot pass).

To add a case, write a function in ``test_differential.py`` (or a new ``test_*.py`` here) that builds a
``Case``; the ``differ`` fixture runs it. Digests are known before seeding (``digest("seed")``), so a
case can name them in its inputs (``DIGESTS``) and its expectations.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from console.services import ecr_ops
from console.services.ecr import EcrService
from tests.ecr_registry import REGION, REPO, Img, digest, ecr_client, seed_registry
from tests.workflows.helpers import run_script

__all__ = ["TARGETS", "Case", "Differ", "Img", "Outcome", "Repos", "digest"]
TARGETS = ("minimal", "runtime")

# repository -> digest -> its tags. Untagged images are kept (an empty set), so a delete shows.
State = dict[str, dict[str, frozenset[str]]]


class Repos:
    """The Python side's view of the registry: ``repos()`` is the EcrService of ``shop``,
    ``repos("other")`` of another repository (the two-repository layout)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, repository: str = REPO) -> EcrService:
        session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        return EcrService(repository, region=REGION, endpoint_url=self.url, session=session)


PythonCall = Callable[[Repos], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    """The same request for both paths.

    ``script`` runs with ``env`` on top of the workflow tests' defaults (ECR_REPOSITORY=shop,
    DEPLOY_TARGETS=minimal,runtime, dummy credentials, AWS_ENDPOINT_URL_ECR=moto). ``python`` is
    awaited with a :class:`Repos`; raising means failure, as a non-zero exit does for the script.
    ``expect_ok``: whether the operation must succeed. ``expect_tags``: tag -> seed (or None: the tag
    must not exist) that must hold afterwards; ``expect_gone``: seeds whose image must be deleted.
    """

    name: str
    images: tuple[Img, ...]
    script: str
    env: Mapping[str, str]
    python: PythonCall
    expect_ok: bool = True
    expect_tags: Mapping[str, str | None] = field(default_factory=dict)
    expect_gone: tuple[str, ...] = ()

    def repositories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([REPO, *(i.repository for i in self.images)]))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    state: State
    detail: str  # the script's ::error:: lines or the Python exception, for the failure message


class Differ:
    """Runs cases against one moto server (its state is reset before each side)."""

    def __init__(self, moto_url: str, tmp: Path) -> None:
        self.url = moto_url
        self.tmp = tmp
        self.client = ecr_client(moto_url)

    # --- the registry -------------------------------------------------------------------------

    def seed(self, case: Case) -> None:
        seed_registry(self.url, case.images, case.repositories())

    def state(self, case: Case) -> State:
        out: State = {}
        for repository in case.repositories():
            pages = self.client.get_paginator("describe_images").paginate(repositoryName=repository)
            out[repository] = {d["imageDigest"]: frozenset(d.get("imageTags", ()))
                               for page in pages for d in page["imageDetails"]}
        return out

    # --- the two paths ------------------------------------------------------------------------

    def run_bash(self, case: Case) -> Outcome:
        self.seed(case)
        result = run_script(case.script, self.tmp, self.url, **case.env)
        detail = "\n".join(result.errors) or result.stderr.strip()[-500:]
        return Outcome(result.returncode == 0, self.state(case), detail)

    def run_python(self, case: Case) -> Outcome:
        self.seed(case)
        try:
            asyncio.run(case.python(Repos(self.url)))
        except Exception as exc:
            return Outcome(False, self.state(case), f"{type(exc).__name__}: {exc}")
        return Outcome(True, self.state(case), "")

    def check(self, case: Case) -> tuple[Outcome, Outcome]:
        bash, python = self.run_bash(case), self.run_python(case)
        assert bash.state == python.state, f"{case.name}: the paths disagree\n{describe_difference(bash, python)}"
        assert bash.ok == python.ok, (
            f"{case.name}: script ok={bash.ok} ({bash.detail}), ecr_ops ok={python.ok} ({python.detail})"
        )
        assert bash.ok == case.expect_ok, f"{case.name}: expected ok={case.expect_ok}; script: {bash.detail}"
        tags = {tag: d for images in bash.state.values() for d, tagset in images.items() for tag in tagset}
        seeds = {digest(i.seed, i.children): i.seed for i in case.images}
        for tag, seed in case.expect_tags.items():
            assert seeds.get(tags.get(tag, ""), tags.get(tag)) == seed, f"{case.name}: {tag} names {tags.get(tag)}"
        present = {seeds.get(d) for images in bash.state.values() for d in images}
        for seed in case.expect_gone:
            assert seed not in present, f"{case.name}: {seed} was not deleted"
        return bash, python


def describe_difference(bash: Outcome, python: Outcome) -> str:
    lines = [f"script ok={bash.ok} {bash.detail}", f"ecr_ops ok={python.ok} {python.detail}"]
    for repository in sorted(set(bash.state) | set(python.state)):
        a, b = bash.state.get(repository, {}), python.state.get(repository, {})
        for d in sorted(set(a) | set(b)):
            if a.get(d) != b.get(d):
                lines.append(f"{repository} {d[:19]}: script {sorted(a.get(d, ())) if d in a else 'absent'}"
                             f" / ecr_ops {sorted(b.get(d, ())) if d in b else 'absent'}")
    return "\n".join(lines)


# --- shared by the differential tests ------------------------------------------------------------

SHA = {name: ch * 40 for name, ch in (("v0.9", "9"), ("v1", "a"), ("v2", "b"), ("next", "c"))}


def production(*, drop: tuple[str, ...] = ()) -> tuple[Img, ...]:
    """Per target: v0.9.0 (old release), v1.0.0 in previous-, v2.0.0 in latest-, a newer build in
    staging-. Seeds are "<release>-<target>"; ``drop`` removes tags (e.g. "previous-runtime")."""
    images = []
    for t in TARGETS:
        rows = [("v0.9", 5, (f"v0.9.0-{t}",)), ("v1", 10, (f"v1.0.0-{t}", f"previous-{t}")),
                ("v2", 20, (f"v2.0.0-{t}", f"latest-{t}")), ("next", 30, (f"staging-{t}",))]
        for name, pushed, tags in rows:
            kept = tuple(tag for tag in (f"sha-{SHA[name]}-{t}", *tags) if tag not in drop)
            images.append(Img(f"{name}-{t}", kept, pushed))
    return tuple(images)


def rollback_by_names(targets, to_version=None):
    async def call(repos: Repos):
        await ecr_ops.rollback(repos(), list(targets), to_version)

    return call


async def prune_like_the_workflow(repos: Repos, digests, targets=TARGETS):
    """ecr_ops.prune reports; the workflow's rule decides: a refused (protected) or failed digest fails
    the job after the rest are deleted; an already-gone digest does not (a re-run succeeds)."""
    result = await ecr_ops.prune(repos(), digests, targets)
    if result.kept or result.failed:
        raise RuntimeError(f"refused {list(result.kept)}, failed {list(result.failed)}")
