"""Every view, and the CLI's JSON, on bodies drawn from GitHub's OpenAPI description.

The GitHub side is an ASGI app answering from a drawn world (github_world.py) — as documented, and
loosened (missing required fields, nulls, unknown enum values, huge and hostile strings, repeated
ids). ECR is moto with a small two-target registry whose digests the deployments may name.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from hypothesis import Phase, given, settings

from console.cli import main
from console.sandbox.loopback import LoopbackServer
from console.services.backend import Backend
from console.services.ecr import EcrService
from console.services.github import GitHubService
from console.services.github_errors import RetryPolicy
from console.services.registry import Registry
from tests.ecr_registry import Img, digest, seed_registry
from tests.properties.github_world import REPO, GeneratedGitHub, repeat_ids, worlds
from tests.properties.profile import examples, with_fixtures
from tests.properties.views import SETTINGS, tour

IMAGES = tuple(
    Img(f"{version}-{t}", (f"{version}.0.0-{t}", *pointers), pushed)
    for t in ("minimal", "runtime")
    for version, pointers, pushed in (("v1", (f"previous-{t}",), 10), ("v2", (f"latest-{t}", f"staging-{t}"), 20))
)
DIGESTS = tuple(digest(i.seed) for i in IMAGES)
LOOSE = pytest.mark.parametrize("loose", [False, True], ids=["as-documented", "loosened"])


@pytest.fixture
def registry(aws):
    seed_registry(aws, IMAGES)
    return aws


def backend_for(server: GeneratedGitHub, ecr_url: str) -> Backend:
    github = GitHubService(REPO, "t0ken", SETTINGS.github_url, transport=httpx.ASGITransport(server),
                           retry=RetryPolicy(max_5xx=0, backoff=0.0))
    return Backend(SETTINGS, github, Registry(EcrService("shop", region="us-east-1", endpoint_url=ecr_url)))


@pytest.mark.slow
# One app per example tours two worlds (as documented, then loosened); no shrinking: each shrink
# step would restart the app. The failing worlds are in the report (hypothesis prints the draw).
# The first example is the simplest (empty lists: a new repository); the others are random.
@with_fixtures(max_examples=examples(0.075), phases=[Phase.explicit, Phase.generate])
@given(worlds(loose=False, digests=DIGESTS), worlds(loose=True, digests=DIGESTS))
def test_every_view_stays_alive(registry, documented, loosened):
    server = GeneratedGitHub({})
    repeat_ids(documented)  # every list repeats an id at least once per example
    visit = asyncio.run(tour(backend_for(server, registry), [documented, loosened], server.serve))
    assert visit.error is None, repr(visit.error)
    assert visit.running and not visit.crash_reports
    if documented["runs"]["workflow_runs"]:  # as documented, every run can be opened
        assert visit.screens[0] == "RunDetailScreen"


@LOOSE
def test_status_and_images_json_stay_valid(registry, loose, monkeypatch, capsys):
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "t0ken")  # the stand-in is not github.com
    monkeypatch.setenv("GHAECR_REPO", REPO)
    monkeypatch.setenv("GHAECR_ECR_REPOSITORY", "shop")

    github = GeneratedGitHub({})
    server = LoopbackServer(github, name="generated-github")
    monkeypatch.setenv("GITHUB_API_URL", server.start())

    @settings(max_examples=examples(0.15))
    @given(worlds(loose=loose, digests=DIGESTS))
    def check(world):
        github.serve(world)
        for command in (["status", "--json"], ["images", "--json"]):
            code = main(command)
            out, err = capsys.readouterr()
            assert code == 0, err
            assert "Traceback" not in err
            json.loads(out)  # valid JSON, whatever the strings held

    try:
        check()
    finally:
        server.stop()
