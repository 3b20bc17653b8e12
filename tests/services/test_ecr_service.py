"""EcrService against moto's ECR server over loopback HTTP."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import boto3
import pytest

from console.errors import AwsCredentialsError, EcrImageNotFound, EcrRepositoryNotFound, NetworkError
from console.services.ecr import EcrService
from tests.services.helpers import REGION, REPO, closed_port, push, tags_of


def service(endpoint: str, repo: str = REPO, **kw) -> EcrService:
    return EcrService(repo, region=REGION, endpoint_url=endpoint, **kw)


async def test_list_images_maps_tags_dates_sizes_and_media_types(ecr_endpoint):
    old = push(ecr_endpoint, "a1", "v1.0.0-runtime", "previous-runtime")
    new = push(ecr_endpoint, "a2", "v1.1.0-runtime", "latest-runtime")
    ecr = service(ecr_endpoint)

    images = await ecr.list_images()

    by_digest = {i.digest: i for i in images}
    assert set(by_digest) == {old, new}
    assert by_digest[new].tags == ("latest-runtime", "v1.1.0-runtime")
    assert by_digest[new].size_bytes > 0
    assert by_digest[new].pushed_at.tzinfo is not None
    assert ecr.stats.by_operation == {"DescribeImages": 1}


async def test_push_dates_are_utc_whatever_the_local_time_zone(ecr_endpoint, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        push(ecr_endpoint, "tz1", "latest-runtime")
        [image] = await service(ecr_endpoint).list_images()
    finally:
        monkeypatch.undo()
        time.tzset()

    assert image.pushed_at.tzinfo is UTC  # prints as +00:00 in --json, on every machine
    assert before <= image.pushed_at <= datetime.now(UTC)


async def test_listing_many_images_uses_the_paginator_once(ecr_endpoint):
    body_digests = [push(ecr_endpoint, f"bulk{i}", f"sha-{i:040x}-runtime") for i in range(50)]
    ecr = service(ecr_endpoint)
    images = await ecr.list_images()
    assert {i.digest for i in images} == set(body_digests)
    assert ecr.stats.total == 1  # moto does not paginate; real ECR: one call per 1000 images


async def test_describe_repository_returns_uri(ecr_endpoint):
    uri = await service(ecr_endpoint).describe_repository()
    assert uri.endswith("/shop")


async def test_retag_moves_tag_and_is_idempotent(ecr_endpoint):
    digest = push(ecr_endpoint, "s1", "staging-runtime")
    push(ecr_endpoint, "old", "latest-runtime")
    ecr = service(ecr_endpoint)

    first = await ecr.retag("staging-runtime", "latest-runtime")
    assert first.changed and first.digest == digest
    assert tags_of(ecr_endpoint)["latest-runtime"] == digest

    ecr.stats.reset()
    again = await ecr.retag("staging-runtime", "latest-runtime")
    assert not again.changed and again.digest == digest
    assert ecr.stats.by_operation == {"BatchGetImage": 1}  # compare, then no put


async def test_retag_by_digest(ecr_endpoint):
    digest = push(ecr_endpoint, "d1", "sha-" + "a" * 40 + "-runtime")
    result = await service(ecr_endpoint).retag(digest, "staging-runtime")
    assert result.changed
    assert tags_of(ecr_endpoint)["staging-runtime"] == digest


async def test_retag_oci_manifest_without_media_type(ecr_endpoint):
    digest = push(ecr_endpoint, "oci", "v2.0.0-minimal", media_type=None)
    ecr = service(ecr_endpoint)
    result = await ecr.retag("v2.0.0-minimal", "latest-minimal")
    assert result.changed and result.digest == digest
    assert tags_of(ecr_endpoint)["latest-minimal"] == digest


async def test_retag_unknown_source_is_image_not_found(ecr_endpoint):
    with pytest.raises(EcrImageNotFound, match="previous-runtime"):
        await service(ecr_endpoint).retag("previous-runtime", "latest-runtime")


async def test_delete_in_chunks_reports_deleted_and_failed(ecr_endpoint):
    digests = [push(ecr_endpoint, f"del{i}", f"v1.{i}.0-runtime") for i in range(3)]
    missing = "sha256:" + "0" * 64
    ecr = service(ecr_endpoint)
    result = await ecr.delete(digests[:2] + [missing])
    assert set(result.deleted) == set(digests[:2])
    assert [d for d, _ in result.failed] == [missing]
    assert set(tags_of(ecr_endpoint)) == {"v1.2.0-runtime"}


async def test_delete_goes_in_chunks_of_one_hundred(ecr_endpoint):
    digests = [push(ecr_endpoint, f"many{i}", f"sha-{i:040x}-runtime") for i in range(130)]
    ecr = service(ecr_endpoint)
    result = await ecr.delete(digests)
    assert set(result.deleted) == set(digests) and result.failed == ()
    assert ecr.stats.by_operation == {"BatchDeleteImage": 2}
    assert tags_of(ecr_endpoint) == {}


async def test_unknown_repository_names_repo_and_region(ecr_endpoint):
    with pytest.raises(EcrRepositoryNotFound, match="'nope' does not exist in us-east-1"):
        await service(ecr_endpoint, repo="nope").list_images()


async def test_no_credentials_says_how_to_log_in(ecr_endpoint, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(AwsCredentialsError, match="No AWS credentials found; run `aws sso login"):
        await EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint).list_images()


async def test_a_given_session_supplies_the_credentials(ecr_endpoint, monkeypatch):
    push(ecr_endpoint, "s1", "latest-runtime")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)  # nothing in the environment: only the session's keys
    session = boto3.Session(aws_access_key_id="given", aws_secret_access_key="given", region_name=REGION)

    images = await EcrService(REPO, endpoint_url=ecr_endpoint, session=session).list_images()

    assert [i.tags for i in images] == [("latest-runtime",)]
    with pytest.raises(AwsCredentialsError):
        await EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint).list_images()
    with pytest.raises(ValueError, match="a profile or a session"):
        EcrService(REPO, profile="ops", session=session)


async def test_expired_sso_session_names_the_profile(ecr_endpoint, monkeypatch, tmp_path):
    config = tmp_path / "config"
    config.write_text(
        "[profile ops]\nsso_start_url = https://example.invalid/start\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Deploy\nregion = us-east-1\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # no cached SSO token
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(AwsCredentialsError, match="aws sso login --profile ops"):
        await EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint, profile="ops").list_images()


async def test_unknown_profile_is_a_credentials_error(ecr_endpoint):
    with pytest.raises(AwsCredentialsError, match="profile 'ops'"):
        await EcrService(REPO, region=REGION, endpoint_url=ecr_endpoint, profile="ops").list_images()


async def test_unreachable_endpoint_is_network_error(aws_env):
    ecr = EcrService(REPO, region=REGION, endpoint_url=f"http://127.0.0.1:{closed_port()}", max_attempts=1)
    with pytest.raises(NetworkError, match="Cannot reach the ECR endpoint"):
        await ecr.list_images()
