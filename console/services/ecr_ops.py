"""ECR operations of the release pipeline, shared by direct (break-glass) mode and the sandbox simulator.

All three work per target and never apply one target's digest to another. Only manifests move
(batch_get_image + put_image), never layers.

``await promote(ecr, targets, version, source_tag_of, allow_older=False)`` -> ``list[PromoteOutcome]``
    Production promotion, per target T: ``previous-T`` := the old ``latest-T`` (written FIRST, skipped
    when latest-T is absent or already the new digest), then ``<version>-T``, then ``latest-T``, all to
    the digest of ``source_tag_of(T)`` (e.g. ``lambda t: f"staging-{t}"``). A release tag that already
    names another digest is never moved (EcrError). A version older than the one ``latest-T`` carries
    (semver order, a pre-release below its release) is refused (PlanError) unless ``allow_older``:
    a re-run of an old production run, or a queue that ran out of order, never goes backwards.
    1 batch_get + 1 describe + at most 3 puts per target.

``await release_check(ecr, targets, version, source_tag_of, allow_older=False)`` -> ``bool``
    The preflight of a release: what ``promote`` would refuse, raised before anyone approves; False
    when production already runs this release for every target (a re-run: nothing to approve).

``await stage(ecr, target, sha, is_ancestor=None)`` -> ``StageOutcome``
    Move ``staging-T`` to ``sha-<sha>-T`` unless staging already runs a newer commit (then nothing
    moves and ``skipped`` says why). ``is_ancestor(a, b)``: is commit a an ancestor of b (git's
    answer); without it the build tags' push dates decide.

``await undo_promotion(ecr, target, promoted, before)`` -> ``RollbackOutcome | None``
    The automatic rollback after a failed production smoke test: back to ``previous-T`` only when the
    promotion changed ``latest-T`` (``before`` != ``promoted``). Re-releasing what production already
    ran and flaking must not roll back further: None, nothing moves.

``await rollback(ecr, plan_or_targets, to_version=None)`` -> ``list[RollbackOutcome]``
    Per target T: resolve ``previous-T`` (or ``<to_version>-T``), move ``latest-T`` there, read it back.
    Accepts a ``RollbackPlan`` (its ``to_ref`` and ``to_digest`` are checked against ECR before
    anything moves) or target names. 3 ECR calls per target (get, put, verify); 2 if nothing moves.

``await prune(ecr, digests, targets=(), running=frozenset())`` -> ``PruneResult``
    Re-lists the repository (one listing), re-checks each given digest with
    ``protection_reason`` at delete time, deletes only the unprotected ones and reports
    ``deleted``, ``kept`` ((digest, reason)), ``failed`` ((digest, reason)) and ``gone`` (digests that
    were already deleted: like prune.sh, not a failure, so a re-run succeeds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from console.errors import AwsError, EcrImageNotFound, PlanError
from console.model import Image, RollbackPlan, RollbackStep
from console.model.environments import version_key
from console.model.images import BUILD_RE, discover_targets, image_version
from console.model.plans import protection_reason
from console.services.ecr import Manifest, RetagResult  # or a services.registry.Registry (same interface)
from console.services.ports import EcrPort


@dataclass(frozen=True)
class PromoteOutcome:
    target: str
    digest: str
    previous_digest: str | None  # what latest-<target> named before (now in previous-<target>)
    retags: tuple[RetagResult, ...]


@dataclass(frozen=True)
class RollbackOutcome:
    target: str
    from_digest: str | None
    to_digest: str
    to_ref: str
    changed: bool
    verified: bool


@dataclass(frozen=True)
class StageOutcome:
    target: str
    digest: str  # what staging-<target> names afterwards
    moved: bool
    skipped: str = ""  # why staging-<target> did not move (it runs a newer commit)


@dataclass(frozen=True)
class PruneResult:
    deleted: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]  # (digest, why it was kept)
    failed: tuple[tuple[str, str], ...]  # (digest, reason)
    gone: tuple[str, ...] = ()  # already deleted (an earlier run): not a failure, so a re-run succeeds


async def promote(
    ecr: EcrPort, targets: Iterable[str], version: str, source_tag_of: Callable[[str], str], *,
    allow_older: bool = False,
) -> list[PromoteOutcome]:
    # Check every target before moving anything, as promote.sh does: no half-promoted release.
    checked = [await _check_promotion(ecr, target, version, source_tag_of(target), allow_older) for target in targets]
    outcomes = []
    for target, new, found in checked:
        latest, previous, release = f"latest-{target}", f"previous-{target}", f"{version}-{target}"
        old = found.get(latest)
        retags = []
        if old is not None and old.digest != new.digest:  # previous- first, so a crash leaves a rollback target
            current_previous = found[previous].digest if previous in found else None
            retags.append(await ecr.put_tag(old, previous, current=current_previous))
        retags.append(await ecr.put_tag(new, release, current=found[release].digest if release in found else None))
        retags.append(await ecr.put_tag(new, latest, current=old.digest if old else None))
        outcomes.append(PromoteOutcome(target, new.digest, old.digest if old else None, tuple(retags)))
    return outcomes


async def release_check(
    ecr: EcrPort, targets: Iterable[str], version: str, source_tag_of: Callable[[str], str], *,
    allow_older: bool = False,
) -> bool:
    """The release preflight (release-order.sh): raises what ``promote`` would refuse, before anyone
    is asked to approve; False when production already runs this release for every target."""
    todo = False
    for target in targets:
        _, new, found = await _check_promotion(ecr, target, version, source_tag_of(target), allow_older)
        live, release = found.get(f"latest-{target}"), found.get(f"{version}-{target}")
        todo = todo or live is None or live.digest != new.digest or release is None
    return todo


async def _check_promotion(
    ecr: EcrPort, target: str, version: str, source: str, allow_older: bool
) -> tuple[str, Manifest, dict[str, Manifest]]:
    """(target, the manifest to promote, the manifests of its pointer and release tags) or an error."""
    release = f"{version}-{target}"
    found = await ecr.get_manifests([source, f"latest-{target}", f"previous-{target}", release])
    if source not in found:
        raise EcrImageNotFound(
            f"Cannot promote '{target}': '{source}' does not exist in ECR repository '{ecr.repository_for(source)}'."
        )
    new = found[source]
    if release in found and found[release].digest != new.digest:
        raise AwsError(
            f"Release tag {release} already names {found[release].digest}, not {new.digest}; release tags never move."
        )
    old = found.get(f"latest-{target}")
    if old is not None and old.digest != new.digest and not allow_older:
        await _refuse_older(ecr, target, version, old.digest)
    return target, new, found


async def _refuse_older(ecr: EcrPort, target: str, version: str, live_digest: str) -> None:
    """PlanError when production's ``latest-<target>`` carries a newer release than ``version``."""
    live = (await ecr.describe_digests([live_digest])).get(live_digest)
    running = image_version(live, (target,)) if live else None
    if running and version_key(version) < version_key(running):
        raise PlanError(
            f"Refusing to promote {version} for '{target}': production runs {running}, which is newer; "
            "roll back instead, or allow an older version explicitly."
        )


async def stage(
    ecr: EcrPort, target: str, sha: str, is_ancestor: Callable[[str, str], bool] | None = None
) -> StageOutcome:
    build, staging = f"sha-{sha}-{target}", f"staging-{target}"
    found = await ecr.get_manifests([build, staging])
    if build not in found:
        raise EcrImageNotFound(
            f"Cannot stage '{target}': '{build}' does not exist in ECR repository '{ecr.repository_for(build)}'."
        )
    new, current = found[build], found.get(staging)
    if current is not None and current.digest != new.digest:
        images = await ecr.describe_digests([new.digest, current.digest])
        newer = _newer_commit(images.get(current.digest), images.get(new.digest), target, sha, is_ancestor)
        if newer:
            return StageOutcome(target, current.digest, False,
                                f"{staging} stays on {newer[:12]}, a newer commit than {sha[:12]}")
    result = await ecr.put_tag(new, staging, current=current.digest if current else None)
    return StageOutcome(target, new.digest, result.changed)


def _newer_commit(live: Image | None, candidate: Image | None, target: str, sha: str,
                  is_ancestor: Callable[[str, str], bool] | None) -> str | None:
    """The commit staging runs when it is newer than ``sha``, else None."""
    live_sha = _build_sha(live, target) if live else None
    if live_sha is None or live_sha == sha:
        return None
    if is_ancestor is not None:
        return live_sha if is_ancestor(sha, live_sha) else None
    older = candidate is not None and live is not None and candidate.pushed_at < live.pushed_at
    return live_sha if older else None


def _build_sha(image: Image, target: str) -> str | None:
    for tag in image.tags:
        match = BUILD_RE.match(tag)
        if match and match["target"] == target:
            return match["sha"]
    return None


async def undo_promotion(ecr: EcrPort, target: str, promoted: str, before: str | None) -> RollbackOutcome | None:
    if before is None or before == promoted:
        return None
    step = RollbackStep(target, promoted, None, None, before, None, None, f"previous-{target}")
    plan = RollbackPlan((step,), None)
    return (await rollback(ecr, plan))[0]


async def rollback(
    ecr: EcrPort, plan_or_targets: RollbackPlan | Iterable[str], to_version: str | None = None
) -> list[RollbackOutcome]:
    wanted: list[tuple[str, str, str | None]]
    if isinstance(plan_or_targets, RollbackPlan):
        wanted = [(s.target, s.to_ref, s.to_digest) for s in plan_or_targets.steps]
    else:
        wanted = [
            (t, f"{to_version}-{t}" if to_version else f"previous-{t}", None) for t in plan_or_targets
        ]
    # Resolve every target before moving anything, as rollback.sh does: all or nothing.
    resolved = []
    for target, ref, expected in wanted:
        found = await ecr.get_manifests([ref, f"latest-{target}"])  # call 1 per target
        resolved.append((target, ref, found))
        if ref not in found:
            raise PlanError(
                f"Cannot roll back '{target}': {ref} does not exist in ECR repository '{ecr.repository_for(ref)}'."
            )
        if expected is not None and found[ref].digest != expected:
            raise PlanError(
                f"Cannot roll back '{target}': {ref} now names {found[ref].digest[:19]}, not the planned {expected[:19]}; preview again."
            )
    outcomes = []
    for target, ref, found in resolved:
        latest, to = f"latest-{target}", found[ref]
        before = found[latest].digest if latest in found else None
        result = await ecr.put_tag(to, latest, current=before)  # call 2 (skipped when already there)
        check = await ecr.get_manifests([latest])  # call 3: read back what production now names
        verified = latest in check and check[latest].digest == to.digest
        if not verified:
            raise AwsError(f"Rollback of '{target}' did not stick: {latest} does not name {to.digest}; check ECR.")
        outcomes.append(RollbackOutcome(target, before, to.digest, ref, result.changed, verified))
    return outcomes


async def prune(
    ecr: EcrPort,
    digests: Iterable[str],
    targets: Iterable[str] = (),
    running: frozenset[str] = frozenset(),
) -> PruneResult:
    digests = list(dict.fromkeys(digests))
    images = {i.digest: i for i in await ecr.list_images()}
    # Protection must not depend on the caller knowing every target: add those the tags reveal.
    all_targets = tuple(sorted(set(targets) | set(discover_targets([t for i in images.values() for t in i.tags]))))
    kept: list[tuple[str, str]] = []
    failed: list[tuple[str, str]] = []
    gone: list[str] = []
    to_delete = []
    for digest in digests:
        image = images.get(digest)
        if image is None:
            gone.append(digest)
            continue
        reason = protection_reason(image, all_targets, running)
        if reason:
            kept.append((digest, reason))
        else:
            to_delete.append(digest)
    result = await ecr.delete(to_delete) if to_delete else None
    deleted = result.deleted if result else ()
    failed.extend(result.failed if result else ())
    return PruneResult(deleted=tuple(deleted), kept=tuple(kept), failed=tuple(failed), gone=tuple(gone))
