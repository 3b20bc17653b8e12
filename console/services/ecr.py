"""ECR through boto3. Every call runs in a thread (``asyncio.to_thread``) so the event loop never blocks.

Public API::

    ecr = EcrService("shop", region="us-east-1", profile=None, endpoint_url=None)
    ecr = EcrService("shop", session=boto3.Session(aws_access_key_id=..., ...))  # given credentials
    await ecr.describe_repository()          # -> repository URI
    await ecr.list_images()                  # -> list[Image], newest push first (paginated, 1000/page)
    await ecr.pointer_images(targets)        # -> (pointer-tagged images, {tag: digest}): the cheap first look
    await ecr.get_manifests(["latest-a", "sha256:..."])   # -> {ref: Manifest} (one batch_get_image)
    await ecr.describe_digests(["sha256:..."])            # -> {digest: Image} (every tag; one call)
    await ecr.put_tag(manifest, "previous-a")             # -> RetagResult (one put_image, compare first)
    await ecr.retag("staging-a", "latest-a")  # -> RetagResult; no put when the tag already points there
    await ecr.delete(["sha256:..."])           # -> DeleteResult(deleted, failed), chunks of 100
    ecr.stats.total / ecr.stats.by_operation   # ECR API calls made (pages count; retries do not)

Only manifests move: a retag is batch_get_image + put_image, never a layer pull or push.
Errors are console.errors types (see ecr_errors.map_aws_error).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.utils import parse_timestamp

from console.errors import AwsError, EcrImageNotFound
from console.model import Image
from console.model.images import NO_PUSH_TIME, POINTER_PREFIXES, discover_targets, is_digest
from console.services.ecr_errors import map_aws_error

T = TypeVar("T")

if TYPE_CHECKING:
    import boto3

    from console.services.ports import EcrPort

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
ACCEPTED_MEDIA_TYPES = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST]
PAGE_SIZE = 1000  # describe_images maximum
# Archived images (ECR archive storage class) are listed only when asked for; the console shows them
# (marked archived) so an operator sees why a release cannot be rolled back to.
ALL_STATUSES = {"imageStatus": "ANY"}
DELETE_CHUNK = 100  # batch_delete_image maximum


@dataclass(frozen=True)
class RetagResult:
    tag: str
    digest: str
    changed: bool  # False: the tag already pointed at that digest (idempotent)


@dataclass(frozen=True)
class DeleteResult:
    deleted: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (digest, reason)


@dataclass(frozen=True)
class Manifest:
    """One image manifest as ECR stores it: enough to put the same digest under another tag."""

    digest: str
    body: str = field(repr=False)
    media_type: str


@dataclass
class CallStats:
    total: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)

    def count(self, operation: str) -> None:
        self.total += 1
        self.by_operation[operation] = self.by_operation.get(operation, 0) + 1

    def reset(self) -> None:
        self.total = 0
        self.by_operation.clear()


def manifest_media_type(body: str, reported: str | None) -> str:
    """The manifest's media type: as ECR reports it, else from the document (OCI may omit it)."""
    if reported:
        return reported
    try:
        doc = json.loads(body)
    except ValueError:
        return OCI_MANIFEST
    if isinstance(doc, dict):
        if doc.get("mediaType"):
            return str(doc["mediaType"])
        if "manifests" in doc:
            return OCI_INDEX
        if doc.get("schemaVersion") == 1:
            return DOCKER_V1_SIGNED
    return OCI_MANIFEST


@dataclass(frozen=True)
class RepositorySettings:
    tag_mutability: str  # MUTABLE | IMMUTABLE | IMMUTABLE_WITH_EXCLUSION (| MUTABLE_WITH_EXCLUSION)
    exclusions: tuple[str, ...] = ()  # wildcard filters, e.g. latest-*


class EcrService:
    def __init__(
        self,
        repository: str,
        *,
        region: str | None = None,
        profile: str | None = None,
        endpoint_url: str | None = None,
        max_attempts: int = 5,
        session: boto3.Session | None = None,
    ) -> None:
        """``session``: a boto3 session with the credentials to use (e.g. the sandbox's dummy ones);
        by default one is made from ``profile`` and boto3's credential chain."""
        if session is not None and profile is not None:
            raise ValueError("pass a profile or a session, not both")
        self.repository = repository
        self.region = region
        self.profile = profile
        self._session = session
        self.endpoint_url = endpoint_url  # None: boto3 honours AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL
        self.max_attempts = max_attempts
        self.stats = CallStats()
        self._client: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EcrService(repository={self.repository!r}, region={self.region!r}, profile={self.profile!r})"

    def repository_for(self, tag: str) -> str:
        """The repository that holds ``tag`` (one here; see services.registry for two)."""
        return self.repository

    # --- plumbing -------------------------------------------------------------------------------

    def _get_client(self) -> Any:
        # Built lazily in a worker thread: session setup reads files and may hit credential providers.
        with self._lock:
            if self._client is None:
                config = Config(
                    retries={"mode": "adaptive", "max_attempts": self.max_attempts},
                    connect_timeout=5,
                    read_timeout=30,
                    max_pool_connections=20,
                )
                options: dict[str, Any] = {"region_name": self.region, "endpoint_url": self.endpoint_url, "config": config}
                client: Any
                if self._session is not None:
                    client = self._session.client("ecr", **options)
                else:
                    client = _new_session(self.profile).create_client("ecr", **options)
                client.meta.events.register("before-call.ecr", self._on_call)
                self.region = self.region or client.meta.region_name
                self._client = client
            return self._client

    def _on_call(self, model: Any = None, **_: Any) -> None:
        with self._lock:
            self.stats.count(getattr(model, "name", "unknown"))

    async def _run(self, operation: str, fn: Callable[[Any], T]) -> T:
        """Run ``fn(client)`` in a thread, mapping every AWS failure to a typed error."""

        def call() -> T:
            return fn(self._get_client())

        try:
            return await asyncio.to_thread(call)
        except Exception as exc:
            raise map_aws_error(
                exc, repository=self.repository, region=self.region, profile=self.profile, operation=operation
            ) from exc

    # --- reads ----------------------------------------------------------------------------------

    async def describe_repository(self) -> str:
        response = await self._run(
            "DescribeRepositories", lambda c: c.describe_repositories(repositoryNames=[self.repository])
        )
        return str(response["repositories"][0]["repositoryUri"])

    async def repository_settings(self) -> RepositorySettings:
        """Tag mutability and its exclusion filters (``doctor``)."""
        response = await self._run(
            "DescribeRepositories", lambda c: c.describe_repositories(repositoryNames=[self.repository])
        )
        repo = response["repositories"][0]
        filters = tuple(str(f.get("filter", "")) for f in repo.get("imageTagMutabilityExclusionFilters") or ())
        return RepositorySettings(str(repo.get("imageTagMutability", "MUTABLE")), filters)

    async def lifecycle_policy(self) -> str | None:
        """The repository's lifecycle policy text, None when it has none (``doctor``)."""

        def read(client: Any) -> str | None:
            try:
                return str(client.get_lifecycle_policy(repositoryName=self.repository)["lifecyclePolicyText"])
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") == "LifecyclePolicyNotFoundException":
                    return None
                raise

        return await self._run("GetLifecyclePolicy", read)

    async def caller_identity(self) -> tuple[str, str]:
        """(account, ARN) of the credentials in use, through STS with the same session and region."""

        def ask(client: Any) -> tuple[str, str]:
            options: dict[str, Any] = {"region_name": self.region or client.meta.region_name}
            sts: Any = (self._session.client("sts", **options) if self._session is not None
                   else _new_session(self.profile).create_client("sts", **options))
            identity = sts.get_caller_identity()
            return str(identity["Account"]), str(identity["Arn"])

        return await self._run("GetCallerIdentity", ask)

    async def list_images(self) -> list[Image]:
        """Every image of the repository, newest push first. One listing = ceil(n/1000) calls."""

        def listing(client: Any) -> list[Image]:
            paginator = client.get_paginator("describe_images")
            images: list[Image] = []
            pages = paginator.paginate(repositoryName=self.repository, filter=ALL_STATUSES, PaginationConfig={"PageSize": PAGE_SIZE})
            for page in pages:
                images.extend(_to_image(d) for d in page.get("imageDetails", ()))
            # Sorted here, in the worker thread: on 10,000 images the sort would block the event loop.
            images.sort(key=lambda i: (i.pushed_at, i.digest), reverse=True)
            return images

        return await self._run("DescribeImages", listing)

    async def pointer_images(self, targets: tuple[str, ...] = ()) -> tuple[list[Image], dict[str, str]]:
        """The cheap first look: every tag's digest (``list_images``, no details, paginated) and the
        details of the pointer-tagged images only (one ``describe_images``). Returns (pointer images,
        tag -> digest). ``targets``: empty means discover them from the tags."""

        def listing(client: Any) -> tuple[list[Image], dict[str, str]]:
            tags: dict[str, str] = {}
            pages = client.get_paginator("list_images").paginate(
                repositoryName=self.repository, filter={"tagStatus": "TAGGED", **ALL_STATUSES},
                PaginationConfig={"PageSize": PAGE_SIZE},
            )
            for page in pages:
                tags.update((i["imageTag"], i["imageDigest"]) for i in page.get("imageIds", ()) if "imageTag" in i)
            wanted = [f"{p}{t}" for p in POINTER_PREFIXES for t in targets or discover_targets(set(tags)) if f"{p}{t}" in tags]
            if not wanted:
                return [], tags
            details = client.describe_images(repositoryName=self.repository, imageIds=[{"imageTag": t} for t in wanted])
            images = {d["imageDigest"]: _to_image(d) for d in details.get("imageDetails", ())}
            return sorted(images.values(), key=lambda i: (i.pushed_at, i.digest), reverse=True), tags

        return await self._run("ListImages", listing)

    async def get_manifests(self, refs: list[str]) -> dict[str, Manifest]:
        """Manifests for tags or digests in ONE batch_get_image call; refs ECR lacks are left out."""
        refs = list(dict.fromkeys(refs))
        ids = [{"imageDigest": r} if is_digest(r) else {"imageTag": r} for r in refs]
        response = await self._run(
            "BatchGetImage",
            lambda c: c.batch_get_image(
                repositoryName=self.repository, imageIds=ids, acceptedMediaTypes=ACCEPTED_MEDIA_TYPES
            ),
        )
        return _match_manifests(refs, response)

    async def describe_digests(self, digests: list[str]) -> dict[str, Image]:
        """Details (every tag, push date) of images known to exist, in ONE describe_images call."""
        digests = list(dict.fromkeys(digests))
        if not digests:
            return {}
        response = await self._run(
            "DescribeImages",
            lambda c: c.describe_images(repositoryName=self.repository, imageIds=[{"imageDigest": d} for d in digests]),
        )
        return {d["imageDigest"]: _to_image(d) for d in response.get("imageDetails", ())}

    # --- writes ---------------------------------------------------------------------------------

    async def put_tag(self, manifest: Manifest, tag: str, *, current: str | None = None) -> RetagResult:
        """Put ``tag`` on ``manifest``'s digest. ``current``: the digest the tag names now, if known."""
        if current == manifest.digest:
            return RetagResult(tag, manifest.digest, changed=False)

        def put(client: Any) -> dict[str, Any] | None:
            try:
                answer: dict[str, Any] = client.put_image(
                    repositoryName=self.repository,
                    imageManifest=manifest.body,
                    imageManifestMediaType=manifest.media_type,
                    imageTag=tag,
                    imageDigest=manifest.digest,
                )
                return answer
            except ClientError as exc:
                # ECR refuses to put a tag on the digest it already names: that is success.
                if exc.response.get("Error", {}).get("Code") == "ImageAlreadyExistsException":
                    return None
                raise

        response = await self._run("PutImage", put)
        if response is None:
            return RetagResult(tag, manifest.digest, changed=False)
        got = response.get("image", {}).get("imageId", {}).get("imageDigest")
        if got != manifest.digest:
            raise AwsError(f"ECR stored {tag} as {got} instead of {manifest.digest}; check the repository by hand.")
        return RetagResult(tag, manifest.digest, changed=True)

    async def retag(self, source: str, new_tag: str) -> RetagResult:
        """Point ``new_tag`` at the digest of ``source`` (a tag or digest): compare, then put."""
        return await retag(self, source, new_tag)

    async def delete(self, digests: list[str]) -> DeleteResult:
        """batch_delete_image by digest, 100 per call. Deleting a digest removes all its tags."""
        digests = list(dict.fromkeys(digests))
        deleted: list[str] = []
        failed: list[tuple[str, str]] = []
        for start in range(0, len(digests), DELETE_CHUNK):
            chunk = digests[start : start + DELETE_CHUNK]
            response = await self._run(
                "BatchDeleteImage",
                lambda c, chunk=chunk: c.batch_delete_image(  # type: ignore[misc]
                    repositoryName=self.repository, imageIds=[{"imageDigest": d} for d in chunk]
                ),
            )
            for image_id in response.get("imageIds", ()):
                digest = image_id.get("imageDigest")
                if digest and digest not in deleted:
                    deleted.append(digest)
            for failure in response.get("failures", ()):
                digest = failure.get("imageId", {}).get("imageDigest", "?")
                reason = failure.get("failureReason") or failure.get("failureCode") or "unknown failure"
                failed.append((digest, str(reason)))
        return DeleteResult(deleted=tuple(deleted), failed=tuple(failed))


async def retag(store: EcrPort, source: str, new_tag: str) -> RetagResult:
    """Compare, then put: ``store`` is an EcrService or a services.registry.Registry (both layouts)."""
    found = await store.get_manifests([source, new_tag])
    if source not in found:
        raise EcrImageNotFound(f"'{source}' does not exist in ECR repository '{store.repository_for(source)}'.")
    current = found.get(new_tag)
    return await store.put_tag(found[source], new_tag, current=current.digest if current else None)


def utc_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser, in UTC. ECR sends epoch seconds; botocore's default builds a
    dateutil ``tzlocal`` per value (half of parsing a 10,000-image page) and every later comparison
    (sorting) calls back into dateutil. UTC is native and prints the same instant everywhere."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    parsed: datetime = parse_timestamp(value)  # botocore ships no type hints
    return parsed.astimezone(UTC)


def _new_session(profile: str | None) -> botocore.session.Session:
    """A botocore session (boto3's credential chain, profiles and endpoint variables are botocore's;
    importing boto3 itself would add s3transfer, ~25 ms of start-up no ECR call uses)."""
    core = botocore.session.get_session()
    if profile:
        core.set_config_variable("profile", profile)
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=utc_timestamp)
    return core


def _to_image(detail: dict[str, Any]) -> Image:
    pushed = detail.get("imagePushedAt")
    if pushed is None:
        pushed = NO_PUSH_TIME
    elif not isinstance(pushed, datetime):
        pushed = datetime.fromtimestamp(float(pushed), tz=UTC)
    elif pushed.tzinfo is not UTC:
        pushed = pushed.astimezone(UTC)  # a caller's own session: botocore's tzlocal (see utc_timestamp)
    return Image(
        digest=detail["imageDigest"],
        tags=tuple(sorted(detail.get("imageTags") or ())),
        pushed_at=pushed,
        size_bytes=int(detail.get("imageSizeInBytes") or 0),
        media_type=detail.get("imageManifestMediaType") or detail.get("artifactMediaType"),
        status=str(detail.get("imageStatus") or "ACTIVE"),
    )


def _match_manifests(refs: list[str], response: dict[str, Any]) -> dict[str, Manifest]:
    """Pair batch_get_image results with the refs asked for.

    Real ECR echoes the requested tag in ``imageId``; moto echoes the image's last tag but keeps
    request order. So: exact matches first, then the rest in order when the counts agree.
    """
    failed: set[str] = set()
    for failure in response.get("failures", ()):
        image_id = failure.get("imageId", {})
        failed.update(v for v in (image_id.get("imageTag"), image_id.get("imageDigest")) if v)
    wanted = [r for r in refs if r not in failed]
    remaining = list(response.get("images", ()))
    found: dict[str, Manifest] = {}
    for ref in wanted:
        for image in remaining:
            image_id = image.get("imageId", {})
            if image_id.get("imageTag") == ref or image_id.get("imageDigest") == ref:
                found[ref] = _to_manifest(image)
                remaining.remove(image)
                break
    rest = [r for r in wanted if r not in found]
    if rest and len(rest) == len(remaining):
        found.update(zip(rest, map(_to_manifest, remaining)))
    return found


def _to_manifest(image: dict[str, Any]) -> Manifest:
    body = image["imageManifest"]
    return Manifest(
        digest=image["imageId"]["imageDigest"],
        body=body,
        media_type=manifest_media_type(body, image.get("imageManifestMediaType")),
    )
