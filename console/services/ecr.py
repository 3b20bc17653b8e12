"""ECR through boto3, each call in a thread. CONTRACT STUB: the services helper implements it."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.model import Image


@dataclass(frozen=True)
class RetagResult:
    tag: str
    digest: str
    changed: bool  # False: the tag already pointed at that digest (idempotent)


@dataclass(frozen=True)
class DeleteResult:
    deleted: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (digest, reason)


@dataclass
class CallStats:
    total: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)


class EcrService:
    def __init__(self, repository: str, *, region: str | None = None, profile: str | None = None,
                 endpoint_url: str | None = None) -> None:
        raise NotImplementedError

    stats: CallStats

    async def describe_repository(self) -> str: ...  # repository URI
    async def list_images(self) -> list[Image]: ...
    async def retag(self, source: str, new_tag: str) -> RetagResult: ...  # source: tag or digest
    async def delete(self, digests: list[str]) -> DeleteResult: ...
