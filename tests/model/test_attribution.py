"""Attribution per target: which deployment put each environment's digest there, or `unknown`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.model.environments import Deployment, DeploymentStatus, ecr_image_url, target_states
from console.model.images import Image
from console.services.github_parse import parse_deployment, parse_status

T0 = datetime(2026, 11, 1, tzinfo=UTC)
TARGETS = ("minimal", "runtime")


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


def img(n: int, *tags: str, day: int = 0) -> Image:
    return Image(digest(n), tags, T0 + timedelta(days=day), 100)


def deployed(dep_id: int, n: int, at: datetime, *, ref: str = "v1.5.0", run: int = 900, creator: str = "octo",
             state: str = "success", env: str = "production") -> Deployment:
    log = f"https://github.com/acme/shop/actions/runs/{run}/job/{dep_id}"
    url = ecr_image_url("eu-west-1", "123456789012", "shop", digest(n))
    return Deployment(dep_id, env, ref, "c" * 40, creator, at - timedelta(minutes=2), run_id=run,
                      statuses=(DeploymentStatus(state, at, log_url=log, environment_url=url),
                                DeploymentStatus("in_progress", at - timedelta(minutes=1), log_url=log)))


def production(states):
    return {s.target: s for s in states if s.environment == "production"}


RELEASED = T0 + timedelta(days=5)
ROLLED = T0 + timedelta(days=6)
# v1.4.0 (1, 2), v1.5.0 (3, 4); runtime rolled back to v1.4.0 afterwards.
IMAGES = (img(1, "v1.4.0-minimal", day=1), img(2, "v1.4.0-runtime", "latest-runtime", "previous-runtime", day=1),
          img(3, "v1.5.0-minimal", "latest-minimal", day=4), img(4, "v1.5.0-runtime", day=4))
HISTORY = (deployed(10, 1, T0 + timedelta(days=1), ref="v1.4.0", run=700),
           deployed(11, 2, T0 + timedelta(days=1), ref="v1.4.0", run=700),
           deployed(20, 3, RELEASED, run=800, creator="rel"), deployed(21, 4, RELEASED, run=800, creator="rel"),
           deployed(30, 2, ROLLED, ref="main", run=900, creator="oncall"))


def test_each_target_names_the_deployment_of_its_own_digest():
    states = production(target_states(IMAGES, TARGETS, HISTORY))
    assert (states["minimal"].since, states["minimal"].run_id, states["minimal"].deployment.creator) == (RELEASED, 800, "rel")
    assert (states["runtime"].since, states["runtime"].run_id, states["runtime"].deployment.ref) == (ROLLED, 900, "main")


def test_a_pointer_moved_without_a_deployment_is_unknown_not_an_older_deployment_of_that_digest():
    # Direct mode moved latest-minimal back to v1.4.0's digest: the deployment of 10 days ago is not "since".
    moved = (img(1, "v1.4.0-minimal", "latest-minimal", day=1), *IMAGES[1:2], img(3, "v1.5.0-minimal", day=4), IMAGES[3])
    state = production(target_states(moved, TARGETS, HISTORY))["minimal"]
    assert state.digest == digest(1)
    assert state.deployment is None and state.since is None
    assert "latest-minimal moved after deployment 20" in state.attribution.unknown


def test_no_deployment_recorded_is_unknown_and_nothing_deployed_is_not():
    states = target_states(IMAGES, TARGETS, ())
    prod = production(states)
    assert prod["minimal"].since is None and "no recent deployment" in prod["minimal"].attribution.unknown
    staging = [s for s in states if s.environment == "staging"]
    assert all(s.digest is None and s.attribution.unknown == "" for s in staging)


def test_a_pruned_image_deployed_later_does_not_hide_the_other_targets_deployment():
    # v1.5.0-runtime (4) is pruned after the rollback: its deployment has no known target any more.
    pruned = IMAGES[:3]
    states = production(target_states(pruned, TARGETS, HISTORY))
    assert states["minimal"].deployment.id == 20 and states["runtime"].deployment.id == 30


def test_the_run_comes_from_the_jobs_log_url_not_the_commit_and_ref():
    log = "https://github.com/acme/shop/actions/runs/4242/job/7"
    statuses = (parse_status({"state": "inactive", "created_at": "2026-11-02T00:00:00Z",
                              "log_url": "https://github.com/acme/shop/actions/runs/5555/job/9"}),
                parse_status({"state": "success", "created_at": "2026-11-01T00:00:00Z", "log_url": log}))
    body = {"id": 1, "environment": "production", "ref": "main", "sha": "c" * 40, "payload": {},
            "created_at": "2026-11-01T00:00:00Z", "creator": {"login": "octo"}}
    assert parse_deployment(body, statuses).run_id == 4242  # the job's own (oldest) status
    assert parse_deployment({**body, "payload": {"run_id": 77}}).run_id == 77
    assert parse_deployment(body).run_id is None  # never "a run with the same sha and ref"
