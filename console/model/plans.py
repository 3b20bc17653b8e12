"""Pure planning for rollback and prune. No I/O: the actions layer executes these plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.errors import PlanError
from console.model.compare import Unshipped
from console.model.images import (
    VERSION_RE,
    Image,
    TagKind,
    ambiguous_tags,
    find_by_tag,
    group_by_target,
    image_version,
    parse_tag,
)
from console.model.text import one_line

# --- Rollback -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollbackStep:
    """Move ``latest-<target>`` from one digest to another. Always within one target."""

    target: str
    from_digest: str
    from_version: str | None
    from_pushed_at: datetime | None
    to_digest: str
    to_version: str | None
    to_pushed_at: datetime | None
    to_ref: str  # the tag the workflow resolves: "previous-<target>" or "<version>-<target>"


@dataclass(frozen=True)
class RollbackPlan:
    steps: tuple[RollbackStep, ...]
    to_version: str | None  # None: previous-<target>
    unshipped: tuple[Unshipped, ...] = ()  # the commits it takes out of production (actions/unshipped.py)

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(s.target for s in self.steps)


def rollback_choice(named: tuple[str, ...] | list[str], selected: tuple[str, ...] | list[str],
                    every: bool) -> tuple[str, ...] | None:
    """The targets a rollback command names (None: every known target), from its TARGET arguments,
    ``--target`` and ``--all``; they must not disagree (a production write does not guess)."""
    if every and (named or selected):
        given = ", ".join(dict.fromkeys([*named, *selected]))
        raise PlanError(f"--all and the target(s) {given} disagree: pass --all alone, or name the targets without --all.")
    if named and selected and set(named) != set(selected):
        raise PlanError(f"--target {', '.join(selected)} and the TARGET argument(s) {', '.join(named)} disagree; "
                        "name the targets once.")
    chosen = tuple(dict.fromkeys(named or selected))
    if not every and not chosen:
        raise PlanError("Name the target(s) to roll back, or pass --all.")
    return None if every else chosen


def plan_rollback(
    images: list[Image] | tuple[Image, ...],
    targets: tuple[str, ...],
    chosen: tuple[str, ...] | list[str],
    to_version: str | None = None,
) -> RollbackPlan:
    """Plan a rollback of each chosen target to ``previous-<target>`` or to ``<to_version>-<target>``.

    Raises PlanError with one sentence when a target is unknown, has nothing in production, has no
    rollback image, or already runs the requested image.
    """
    if not chosen:
        raise PlanError("Name at least one target to roll back (or use --all).")
    steps = []
    for target in chosen:
        if target not in targets:
            known = ", ".join(targets) or "none found in ECR"
            raise PlanError(f"Unknown target '{target}'; known targets: {known}.")
        current = find_by_tag(images, f"latest-{target}")
        if current is None:
            raise PlanError(f"Production runs nothing for '{target}' (no latest-{target} tag); nothing to roll back.")
        ref = release_ref(to_version, target, targets) if to_version else f"previous-{target}"
        wanted = find_by_tag(images, ref)
        if wanted is None:
            if to_version:
                raise PlanError(f"Version '{to_version}' does not exist for '{target}' (no {ref} tag in ECR).")
            raise PlanError(f"'{target}' has no previous image (no previous-{target} tag); roll back to a version with --to.")
        if wanted.digest == current.digest:
            raise PlanError(f"Production already runs {ref} for '{target}'; nothing to roll back.")
        if wanted.archived:
            raise PlanError(
                f"{ref} of '{target}' is archived in ECR and cannot be pulled: restore it in ECR first "
                "(it can take 20 minutes), or roll back to another version with --to."
            )
        steps.append(
            RollbackStep(
                target=target,
                from_digest=current.digest,
                from_version=image_version(current, targets),
                from_pushed_at=current.pushed,
                to_digest=wanted.digest,
                to_version=image_version(wanted, targets),
                to_pushed_at=wanted.pushed,
                to_ref=ref,
            )
        )
    return RollbackPlan(steps=tuple(steps), to_version=to_version)


def release_ref(to_version: str, target: str, targets: tuple[str, ...]) -> str:
    """The tag ``--to`` names for ``target``: ``<version>-<target>``, a release of that very target.

    The one rule for direct and workflow mode, checked while planning (before any write): a pointer
    (``--to staging`` would be ``staging-<target>``, an unreleased build) or another target's
    release (``--to v1.2.0-server`` for ``api`` is server-api's v1.2.0) is refused."""
    ref = f"{to_version}-{target}"
    info = parse_tag(ref, targets)
    if not VERSION_RE.match(to_version) or info.kind is not TagKind.RELEASE or info.target != target:
        raise PlanError(f"--to must be a release version of '{target}' such as v1.3.0 (the tag <version>-{target}), "
                        f"not '{one_line(to_version, 60)}'.")
    return ref


def rollback_candidates(images: list[Image] | tuple[Image, ...], targets: tuple[str, ...], target: str) -> tuple[Image, ...]:
    """Release images of ``target`` production could roll back to, newest first (not the current one,
    not an archived one: it cannot be pulled until restored)."""
    current = find_by_tag(images, f"latest-{target}")
    return tuple(
        i
        for i in group_by_target(images, targets).get(target, ())
        if image_version(i, targets) and (current is None or i.digest != current.digest) and not i.archived
    )


# --- Prune --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PruneItem:
    target: str
    image: Image
    reason: str  # why it goes, or why it is kept


@dataclass(frozen=True)
class PrunePlan:
    keep: int
    delete: tuple[PruneItem, ...]
    protected: tuple[PruneItem, ...]

    @property
    def digests(self) -> tuple[str, ...]:
        return tuple(i.image.digest for i in self.delete)

    @property
    def bytes_reclaimed(self) -> int:
        return sum(i.image.size_bytes for i in self.delete)

    def only(self, digests: set[str] | frozenset[str]) -> PrunePlan:
        """The same plan restricted to the digests the operator left checked."""
        return PrunePlan(self.keep, tuple(i for i in self.delete if i.image.digest in digests), self.protected)


def protection_reason(image: Image, targets: tuple[str, ...], running: frozenset[str]) -> str | None:
    """Why an image must never be deleted, or None. Decided per digest (a delete removes every tag)."""
    for tag in image.tags:
        kind = parse_tag(tag, targets).kind
        if kind in (TagKind.LATEST, TagKind.PREVIOUS, TagKind.STAGING):
            return f"carries {tag}"
    if image.digest in running:
        return "running in an environment"
    return None


def plan_prune(
    images: list[Image] | tuple[Image, ...],
    targets: tuple[str, ...],
    keep: int,
    running: frozenset[str] = frozenset(),
    only: tuple[str, ...] = (),
) -> PrunePlan:
    """Keep the newest ``keep`` release images per target; never touch protected digests.

    Build images (no release tag) newer than the oldest kept release are kept too: a ``v*`` tag on
    that commit would promote exactly that digest. ``only``: plan these targets alone (``--target``;
    the tags are still read against every known target). An image with an ambiguous tag is kept.
    """
    if keep < 1:
        raise PlanError("Keep count must be at least 1.")
    delete: list[PruneItem] = []
    protected: list[PruneItem] = []
    unclear = ambiguous_tags({t for i in images for t in i.tags}, targets)
    for target, group in group_by_target(images, targets).items():
        if only and target not in only:
            continue
        doubtful = [i for i in group if any(t in unclear for t in i.tags)]
        protected.extend(PruneItem(target, i, next(unclear[t] for t in i.tags if t in unclear)) for i in doubtful)
        group = tuple(i for i in group if i not in doubtful)
        releases = [i for i in group if image_version(i, targets)]
        kept_releases = releases[:keep]
        cutoff = kept_releases[-1].pushed_at if len(releases) >= keep and kept_releases else None
        for image in group:
            reason = protection_reason(image, targets, running)
            if reason:
                protected.append(PruneItem(target, image, reason))
            elif image in kept_releases:
                protected.append(PruneItem(target, image, f"one of the newest {keep} releases"))
            elif not image_version(image, targets) and (cutoff is None or image.pushed_at >= cutoff):
                protected.append(PruneItem(target, image, "build newer than the kept releases"))
            else:
                delete.append(PruneItem(target, image, "older release" if image_version(image, targets) else "old build"))
    return PrunePlan(keep=keep, delete=tuple(delete), protected=tuple(protected))
