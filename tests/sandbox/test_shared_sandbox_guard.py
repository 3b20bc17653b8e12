"""The guard of the shared read-only sandbox (tests/shared_sandbox.py): a test that writes through it
fails loudly, and the next test gets a clean sandbox instead of the written one."""

from __future__ import annotations

import httpx
import pytest

from tests.shared_sandbox import SharedSandbox, frozen_sandbox


@pytest.fixture
def shared():
    shared = SharedSandbox(frozen_sandbox)
    yield shared
    shared.retire()


def test_a_review_through_the_shared_sandbox_is_refused_and_fails_the_test(shared):
    sb = shared.checkout()
    with httpx.Client(base_url=sb.github_url, headers={"Authorization": f"Bearer {sb.token}"}) as gh:
        answer = gh.post(f"/repos/{sb.repo}/actions/runs/{sb.pending_run_id}/pending_deployments",
                         json={"environment_ids": [1], "state": "approved", "comment": "oops"})
    assert answer.status_code == 403
    assert sb.run(sb.pending_run_id).status == "waiting"  # refused, not carried out
    with pytest.raises(pytest.fail.Exception, match="wrote through the shared read-only sandbox.*POST"):
        shared.check_in()
    assert shared.sandbox is None  # thrown away: the next test starts a clean one


def test_an_ecr_delete_through_the_shared_sandbox_fails_the_test_and_the_next_one_is_clean(shared):
    sb = shared.checkout()
    ecr = sb.ecr_client()
    image = ecr.list_images(repositoryName=sb.ecr_repository)["imageIds"][0]
    ecr.batch_delete_image(repositoryName=sb.ecr_repository, imageIds=[image])
    with pytest.raises(pytest.fail.Exception, match="changed: \\['ECR'\\]"):
        shared.check_in()
    clean = shared.checkout()
    listed = clean.ecr_client().list_images(repositoryName=clean.ecr_repository)["imageIds"]
    assert image["imageDigest"] in {i["imageDigest"] for i in listed}


def test_reads_leave_the_shared_sandbox_to_the_next_test(shared):
    sb = shared.checkout()
    with httpx.Client(base_url=sb.github_url, headers={"Authorization": f"Bearer {sb.token}"}) as gh:
        assert gh.get(f"/repos/{sb.repo}/actions/runs").status_code == 200
    sb.ecr_client().describe_images(repositoryName=sb.ecr_repository)
    shared.check_in()
    assert shared.checkout() is sb
    assert sb.state.ratelimit_used == 0  # a screen's rate-limit count does not depend on earlier tests
