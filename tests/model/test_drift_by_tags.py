"""Drift from tags alone (what the cheap first load has): release versions newer than production's."""

from __future__ import annotations

from datetime import UTC, datetime

from console.model import Snapshot
from console.model.environments import releases_behind_by_tags, tag_digests, version_key
from console.model.images import Image

TARGETS = ("api-server", "runtime")


def d(n: int) -> str:
    return f"sha256:{n:064x}"


TAGS = {
    "v1.9.0-runtime": d(1),
    "v1.10.0-runtime": d(2),
    "latest-runtime": d(2),
    "v1.11.0-rc1-runtime": d(3),
    "v1.11.0-runtime": d(4),
    "staging-runtime": d(4),
    "v2.0.0-api-server": d(11),
}


def test_versions_order_numerically_and_prereleases_come_first():
    assert sorted(["v1.10.0", "v1.9.0", "v1.11.0", "v1.11.0-rc1", "v2"], key=version_key) == [
        "v1.9.0", "v1.10.0", "v1.11.0-rc1", "v1.11.0", "v2"]


def test_prerelease_fields_order_by_number_and_build_metadata_is_ignored():
    assert sorted(["v1.6.0-rc.10", "v1.6.0", "v1.6.0-rc.2", "v1.5.0"], key=version_key) == [
        "v1.5.0", "v1.6.0-rc.2", "v1.6.0-rc.10", "v1.6.0"]
    assert version_key("v1.6.0+build.7") == version_key("v1.6.0")


def test_drift_counts_release_versions_newer_than_productions():
    # runtime: production runs v1.10.0 (not v1.9.0, though "1.9" sorts after "1.10" as text).
    # api-server: no production yet, so every release is ahead of it.
    assert releases_behind_by_tags(TAGS, TARGETS) == {"runtime": 2, "api-server": 1}


def test_production_on_the_newest_release_or_an_unreleased_build():
    newest = {**TAGS, "latest-runtime": d(4)}
    assert releases_behind_by_tags(newest, TARGETS)["runtime"] == 0
    unreleased = {**TAGS, "latest-runtime": d(99)}
    assert releases_behind_by_tags(unreleased, TARGETS)["runtime"] == 4


def test_a_snapshot_without_precomputed_drift_derives_it_from_its_images():
    at = datetime(2026, 11, 1, tzinfo=UTC)
    by_digest: dict[str, list[str]] = {}
    for tag, digest in TAGS.items():
        by_digest.setdefault(digest, []).append(tag)
    images = tuple(Image(digest=k, tags=tuple(v), pushed_at=at, size_bytes=1) for k, v in by_digest.items())
    assert tag_digests(images) == TAGS
    snap = Snapshot(repo="acme/shop", ecr_repository="shop", fetched_at=at, targets=TARGETS, images=images)
    assert snap.releases_behind() == {"runtime": 2, "api-server": 1}
    assert Snapshot(repo="acme/shop", ecr_repository="shop", fetched_at=at, targets=TARGETS,
                    behind=(("runtime", 5),)).releases_behind() == {"runtime": 5}
