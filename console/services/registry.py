"""ECR as the configured layout: the one place that knows which repository holds which tag.

- Single repository (default): builds, ``staging-*``, releases, ``latest-*`` and ``previous-*`` live
  in ``ecr_repository``. Small teams; the staging role can move production's tags (ECR has no IAM
  condition on tags).
- Two repositories (``production_repository`` set): builds and ``staging-*`` in ``ecr_repository``;
  release tags, ``latest-*`` and ``previous-*`` in ``production_repository``, which the staging role
  cannot write. Promotion copies the staging-tested digest there (same digest, no rebuild).

``Registry`` has EcrService's interface, so the model, the actions and ``ecr_ops`` see ONE listing:
images are merged by digest (a promoted image carries its build tags and its release tags), reads
and writes of a tag go to the repository that holds that kind of tag, and a prune deletes a digest
from every repository that has it. Real ECR refuses a manifest whose layers are not in the
repository: across repositories the workflow copies the image first (``imagetools create``);
``put_tag`` here only moves the pointer once the copy exists (moto does not check layers).
"""

from __future__ import annotations

import asyncio
from typing import Any

from console.config import Settings
from console.model import Image
from console.model.images import VERSION_RE, is_digest
from console.model.snapshot import SINGLE_REPOSITORY, TWO_REPOSITORIES
from console.services.ecr import CallStats, DeleteResult, EcrService, Manifest, RetagResult, retag

_NOT_FOUND = ("ImageNotFound", "image not found", "not found")


def is_production_tag(tag: str) -> bool:
    """``latest-*``, ``previous-*`` and release tags (``v1.4.0-runtime``) belong to production."""
    return tag.startswith(("latest-", "previous-")) or bool(VERSION_RE.match(tag))


class Registry:
    def __init__(self, staging: EcrService, production: EcrService | None = None) -> None:
        self.staging = staging
        self.production = production if production is not None else staging
        if self.split:
            self.production.stats = staging.stats  # one count of ECR calls, whichever repository

    @classmethod
    def from_settings(cls, settings: Settings, *, endpoint_url: str | None = None, **kwargs: Any) -> Registry:
        """Both repositories with the same region, profile and endpoint (``kwargs``: EcrService's)."""
        def service(name: str) -> EcrService:
            return EcrService(name, region=settings.region, profile=settings.profile, endpoint_url=endpoint_url, **kwargs)

        staging = service(settings.ecr_repository)
        production = service(settings.production_repository) if settings.production_repository else None
        return cls(staging, production)

    def __repr__(self) -> str:
        return f"Registry({self.layout}: {self.repository!r})"

    @property
    def split(self) -> bool:
        return self.production is not self.staging

    @property
    def layout(self) -> str:
        return TWO_REPOSITORIES if self.split else SINGLE_REPOSITORY

    @property
    def repository(self) -> str:
        if not self.split:
            return self.staging.repository
        return f"{self.staging.repository} (staging) + {self.production.repository} (production)"

    @property
    def stats(self) -> CallStats:
        return self.staging.stats

    @property
    def region(self) -> str | None:
        return self.staging.region

    def service_for(self, tag: str) -> EcrService:
        return self.production if self.split and is_production_tag(tag) else self.staging

    def repository_for(self, tag: str) -> str:
        return self.service_for(tag).repository

    # --- reads ----------------------------------------------------------------------------------

    async def describe_repository(self) -> str:
        return await self.staging.describe_repository()

    async def list_images(self) -> list[Image]:
        if not self.split:
            return await self.staging.list_images()
        staged, released = await asyncio.gather(self.staging.list_images(), self.production.list_images())
        return merge_images(staged, released)

    async def pointer_images(self, targets: tuple[str, ...] = ()) -> tuple[list[Image], dict[str, str]]:
        if not self.split:
            return await self.staging.pointer_images(targets)
        (a, a_tags), (b, b_tags) = await asyncio.gather(
            self.staging.pointer_images(targets), self.production.pointer_images(targets)
        )
        return merge_images(a, b), {**a_tags, **b_tags}

    async def get_manifests(self, refs: list[str]) -> dict[str, Manifest]:
        if not self.split:
            return await self.staging.get_manifests(refs)
        ours = [r for r in refs if is_production_tag(r)]
        theirs = [r for r in refs if r not in ours]
        found = {}
        for service, wanted in ((self.production, ours), (self.staging, theirs)):
            if wanted:
                found.update(await service.get_manifests(wanted))
        missing = [r for r in refs if is_digest(r) and r not in found]  # a digest may be in production only
        if missing:
            found.update(await self.production.get_manifests(missing))
        return found

    async def describe_digests(self, digests: list[str]) -> dict[str, Image]:
        if not self.split:
            return await self.staging.describe_digests(digests)
        # describe_images fails on a digest the repository lacks: ask each about what it holds.
        staged = await self.staging.get_manifests(digests)
        released = await self.production.get_manifests(digests)
        a = await self.staging.describe_digests(list(staged))
        b = await self.production.describe_digests(list(released))
        return {i.digest: i for i in merge_images(list(a.values()), list(b.values()))}

    # --- writes ---------------------------------------------------------------------------------

    async def put_tag(self, manifest: Manifest, tag: str, *, current: str | None = None) -> RetagResult:
        return await self.service_for(tag).put_tag(manifest, tag, current=current)

    async def retag(self, source: str, new_tag: str) -> RetagResult:
        return await retag(self, source, new_tag)

    async def delete(self, digests: list[str]) -> DeleteResult:
        """Delete each digest from every repository that holds it (deleting by digest removes all
        its tags there); a digest neither holds is reported failed."""
        if not self.split:
            return await self.staging.delete(digests)
        results = await asyncio.gather(self.staging.delete(digests), self.production.delete(digests))
        deleted = {d for r in results for d in r.deleted}
        failed: dict[str, str] = {}
        for result in results:
            for digest, reason in result.failed:
                absent = any(marker in reason for marker in _NOT_FOUND)
                if not absent or digest not in deleted:
                    failed.setdefault(digest, reason)
        return DeleteResult(
            deleted=tuple(d for d in dict.fromkeys(digests) if d in deleted and d not in failed),
            failed=tuple(failed.items()),
        )


def merge_images(*listings: list[Image]) -> list[Image]:
    """One image per digest across repositories: every tag, the first push, newest first."""
    merged: dict[str, Image] = {}
    for listing in listings:
        for image in listing:
            seen = merged.get(image.digest)
            if seen is None:
                merged[image.digest] = image
                continue
            merged[image.digest] = Image(
                digest=image.digest,
                tags=tuple(sorted(set(seen.tags) | set(image.tags))),
                pushed_at=min(seen.pushed_at, image.pushed_at),
                size_bytes=max(seen.size_bytes, image.size_bytes),
                media_type=seen.media_type or image.media_type,
                status=seen.status if image.status == seen.status else "ACTIVE",  # archived only if every copy is
            )
    return sorted(merged.values(), key=lambda i: (i.pushed_at, i.digest), reverse=True)
