"""Turn a Snapshot into what the views draw. Runs in a worker thread so a 10,000-image refresh never
blocks the event loop; the result is plain data (Rich Text and Row tuples), never widgets.

Two phases, so the overview does not wait for the images table: ``Preparer(snapshot)`` groups the
images and computes drift and rollback targets; ``Preparer.rows(prepared)`` then renders one table
row per image (the bigger half of the work on a large registry)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rich.text import Text

from console.model import PRODUCTION, STAGING, Image, Snapshot, TagKind
from console.model.attestations import PROVENANCE_MARK, Provenance
from console.model.environments import staging_ahead
from console.model.format import human_size, stamp
from console.model.images import find_by_tag, parse_tag, partition_by_target
from console.ui.widgets.virtual_table import Row

ENV_SHORT = {PRODUCTION: "prod", STAGING: "staging"}
# Pointer tags first, then releases, then builds: the order an operator scans for.
TAG_ORDER = {TagKind.LATEST: 0, TagKind.PREVIOUS: 1, TagKind.STAGING: 2, TagKind.RELEASE: 3, TagKind.BUILD: 4,
             TagKind.OTHER: 5}
TAG_STYLE = {TagKind.LATEST: "bold green", TagKind.PREVIOUS: "yellow", TagKind.STAGING: "cyan",
             TagKind.RELEASE: "bold", TagKind.BUILD: "dim", TagKind.OTHER: "dim"}
NO_TARGET = "(no target tag)"
PROVENANCE_STYLE = {Provenance.ATTESTED: "bold green", Provenance.OTHER: "yellow", Provenance.NONE: "red",
                    Provenance.UNKNOWN: "dim"}


@dataclass(frozen=True)
class Prepared:
    image_rows: list[Row] | None = None  # None until the second phase has run
    image_count: int = 0
    behind: dict[str, int] = field(default_factory=dict)  # production releases behind, per target
    ahead: dict[str, bool] = field(default_factory=dict)  # staging runs something production does not
    environments_of: dict[str, tuple[str, ...]] = field(default_factory=dict)  # digest -> env names
    rollback_to: dict[str, Image] = field(default_factory=dict)  # target -> the previous-<target> image
    targets: tuple[str, ...] = ()
    groups: dict[str, tuple[Image, ...]] = field(default_factory=dict, repr=False)  # newest first
    provenance: dict[str, Provenance] = field(default_factory=dict)  # digest -> attestation verdict


class Preparer:
    """``prepare`` with memory: an unchanged registry costs one comparison, a changed one re-renders only
    the images that changed (a 10,000-image first load parses each tag about three times, not ten)."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._prepared: Prepared | None = None
        self._rows: dict[tuple, Row] = {}

    def __call__(self, snapshot: Snapshot) -> Prepared:
        """Phase one: what the overview needs."""
        key = (snapshot.targets, snapshot.images, snapshot.states, snapshot.provenance)
        if self._prepared is None or key != self._key:
            self._prepared, self._key = summarize(snapshot), key
        return self._prepared

    def rows(self, prepared: Prepared) -> Prepared:
        """Phase two: the images table's rows (reusing the rows of images that did not change)."""
        if prepared.image_rows is not None:
            return prepared
        rows, self._rows = image_rows(prepared, self._rows)
        done = replace(prepared, image_rows=rows)
        if self._prepared is prepared:
            self._prepared = done
        return done


def prepare(snapshot: Snapshot) -> Prepared:
    """Both phases at once (tests and scripts)."""
    preparer = Preparer()
    return preparer.rows(preparer(snapshot))


def summarize(snapshot: Snapshot) -> Prepared:
    targets = snapshot.targets
    environments_of: dict[str, list[str]] = {}
    for state in snapshot.states:
        if state.digest:
            environments_of.setdefault(state.digest, []).append(state.environment)
    envs = {d: tuple(e) for d, e in environments_of.items()}
    by_target, strays = partition_by_target(snapshot.images, targets)
    groups = dict(by_target)
    if strays:
        groups[NO_TARGET] = strays
    # Each target's own images are enough for staging-vs-production, and a third of the parsing.
    return Prepared(
        image_count=len(snapshot.images),
        behind=snapshot.releases_behind(),
        ahead={t: staging_ahead(groups[t], t) for t in targets},
        environments_of=envs,
        rollback_to={t: i for t in targets if (i := find_by_tag(groups[t], f"previous-{t}"))},
        targets=targets,
        groups=groups,
        provenance={digest: verdict for digest, verdict, _ in snapshot.provenance},
    )


def image_rows(prepared: Prepared, cache: dict[tuple, Row]) -> tuple[list[Row], dict[tuple, Row]]:
    """One header row per target then its images; returns the rows and the cache for next time."""
    rendered: dict[tuple, Row] = {}
    rows: list[Row] = []
    for target, images in prepared.groups.items():
        # The table adds "· N images" (or "· 3 of N images" under a filter) to the header.
        rows.append(Row((target,), key=("target", target), search=target, group=target, header=True))
        for image in images:
            verdict = prepared.provenance.get(image.digest, Provenance.UNKNOWN)
            key = (image, target, prepared.environments_of.get(image.digest, ()), verdict)
            row = rendered[key] = cache.get(key) or image_row(image, target, prepared.targets, key[2], verdict)
            rows.append(row)
    return rows, rendered


def tags_text(image: Image, targets: tuple[str, ...]) -> Text:
    infos = sorted((parse_tag(t, targets) for t in image.tags), key=lambda i: (TAG_ORDER[i.kind], i.tag))
    text = Text()
    for info in infos:
        label = info.tag
        if info.kind is TagKind.BUILD and info.sha and info.target:
            label = f"sha-{info.sha[:7]}"  # the full tag stays searchable
        elif info.kind is not TagKind.OTHER and info.target:
            label = info.tag[: -len(info.target) - 1]  # the group header already names the target
        if text:
            text.append(" ")
        text.append(label, TAG_STYLE[info.kind])
    if not infos:
        text.append("untagged", "dim italic")
    if image.archived:
        text.append(" archived" if image.status == "ARCHIVED" else " restoring", "bold yellow")
    return text


def image_row(image: Image, target: str, targets: tuple[str, ...], envs: tuple[str, ...],
              verdict: Provenance = Provenance.UNKNOWN) -> Row:
    env_text = Text("+".join(ENV_SHORT.get(e, e) for e in envs), "bold green" if envs else "")
    size = human_size(image.size_bytes) if image.size_bytes else "-"
    attested = Text(PROVENANCE_MARK[verdict], PROVENANCE_STYLE[verdict])
    cells = (tags_text(image, targets), image.short_digest, stamp(image.pushed), size, env_text, attested)
    archived = "archived" if image.archived else ""
    search = " ".join((*image.tags, image.digest, target, *envs, archived, verdict.value)).lower()
    return Row(cells, key=image.digest, search=search, group=target)
