"""Every view, the CLI JSON and the rollback choices on ECR repositories with real-world shapes
(ecr_world.py): 0 or 100+ tags, 128-character tags, a multi-platform index and its untagged
children, no push time, no size, archived images.

ECR is moto's server over HTTP. Two things moto 5.2.1 cannot do are set on its own objects or
taught to it (tests/ecr_registry.py): an image with no push time / an archived status (attributes
its serializer then reports), and real ECR's rule that archived images are listed only when
``filter.imageStatus`` asks for them. GitHub answers with the simplest bodies its description allows.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import Phase, given

from console.cli import main
from console.errors import PlanError
from console.model.plans import plan_rollback, rollback_candidates
from console.sandbox.loopback import LoopbackServer
from console.services.backend import Backend
from console.services.ecr import EcrService
from console.services.github import GitHubService
from console.services.github_errors import RetryPolicy
from console.services.registry import Registry
from tests.ecr_registry import Img, digest, seed_registry, teach_moto_image_status
from tests.properties.ecr_world import TARGETS, registries
from tests.properties.github_world import ENDPOINTS, REPO, GeneratedGitHub
from tests.properties.openapi import canonical, schema
from tests.properties.profile import examples, with_fixtures
from tests.properties.views import SETTINGS, tour

QUIET_GITHUB = {name: canonical(schema(name)) for name in ENDPOINTS}


@pytest.fixture
def ecr(aws, monkeypatch):
    teach_moto_image_status(monkeypatch)
    return aws


def archived_digests(rows) -> set[str]:
    return {digest(r.seed, r.children) for r in rows if r.status == "ARCHIVED"}


@with_fixtures(max_examples=examples(0.15))
@given(registries())
def test_archived_images_are_listed_as_archived_and_never_offered_for_rollback(ecr, rows):
    seed_registry(ecr, rows)
    images = asyncio.run(EcrService("shop", region="us-east-1", endpoint_url=ecr).list_images())
    listed = {i.digest: i for i in images}
    assert set(listed) == {digest(r.seed, r.children) for r in rows}  # archived ones too
    assert {d for d, i in listed.items() if i.archived} == archived_digests(rows)
    for target in TARGETS:
        assert not any(i.archived for i in rollback_candidates(images, TARGETS, target))
        try:
            plan = plan_rollback(images, TARGETS, [target])
        except PlanError as refused:  # e.g. previous-<target> is archived: say so, in one sentence
            assert "\n" not in str(refused)
            continue
        assert not listed[plan.steps[0].to_digest].archived


@pytest.mark.slow
@with_fixtures(max_examples=examples(0.075), phases=[Phase.explicit, Phase.generate])
@given(registries())
def test_every_view_stays_alive(ecr, rows):
    """One app per example (no shrinking: each step would restart the app)."""
    drawn = [rows]
    github = GeneratedGitHub(QUIET_GITHUB)
    backend = Backend(SETTINGS, GitHubService(REPO, "t0ken", SETTINGS.github_url,
                                              transport=httpx.ASGITransport(github), retry=RetryPolicy(max_5xx=0)),
                      Registry(EcrService("shop", region="us-east-1", endpoint_url=ecr)))
    visit = asyncio.run(tour(backend, drawn, lambda rows: seed_registry(ecr, rows)))
    assert visit.error is None, repr(visit.error)
    assert visit.running and not visit.crash_reports


def test_images_and_status_json_stay_valid(ecr, monkeypatch, capsys):
    server = LoopbackServer(GeneratedGitHub(QUIET_GITHUB), name="quiet-github")
    for name, value in {"GITHUB_API_URL": server.start(), "GH_ENTERPRISE_TOKEN": "t0ken", "GHAECR_REPO": REPO,
                        "GHAECR_ECR_REPOSITORY": "shop"}.items():
        monkeypatch.setenv(name, value)

    @with_fixtures(max_examples=examples(0.15))
    @given(registries())
    def check(rows):
        seed_registry(ecr, rows)
        for command in (["status", "--json"], ["images", "--json"]):
            code = main(command)
            out, err = capsys.readouterr()
            assert code == 0, err
            document = json.loads(out)
        shown = [i for group in document["targets"].values() for i in group] + document["untargeted"]
        assert {i["digest"] for i in shown if i.get("archived")} == archived_digests(rows)

    try:
        check()
    finally:
        server.stop()


def test_a_rollback_to_an_archived_previous_image_is_refused_with_what_to_do(ecr):
    rows = (Img("v1", ("v1.0.0-runtime", "previous-runtime"), 10, status="ARCHIVED"),
            Img("v0", ("v0.9.0-runtime",), 5), Img("v2", ("v2.0.0-runtime", "latest-runtime"), 20))
    seed_registry(ecr, rows)
    images = asyncio.run(EcrService("shop", region="us-east-1", endpoint_url=ecr).list_images())
    with pytest.raises(PlanError, match="previous-runtime of 'runtime' is archived in ECR.*restore it"):
        plan_rollback(images, ("runtime",), ["runtime"])
    assert [i.digest for i in rollback_candidates(images, ("runtime",), "runtime")] == [digest("v0")]
    assert plan_rollback(images, ("runtime",), ["runtime"], to_version="v0.9.0").steps[0].to_digest == digest("v0")
