"""Registries with the shapes real ECR repositories have and hand-made fixtures rarely do.

``registries()`` draws Img rows (tests/ecr_registry.py) for targets minimal and runtime: a few
releases and builds per target with the pointer tags where the pipeline puts them, plus any of:
untagged images, an image with 100+ tags, tags of 128 characters (ECR allows up to 300; Docker
stops at 128), a multi-platform index and its untagged children, images with no push time, an
index with no size, and archived images (``imageStatus`` ARCHIVED), one of them maybe the target of
``previous-<target>``.
"""

from __future__ import annotations

from hypothesis import strategies as st

from tests.ecr_registry import Img

TARGETS = ("minimal", "runtime")


@st.composite
def registries(draw) -> tuple[Img, ...]:
    rows: list[Img] = []
    for t in TARGETS:
        count = draw(st.integers(0, 4))
        archived = draw(st.sets(st.integers(0, 3), max_size=2))
        for i in range(count):
            tags = [f"v1.{i}.0-{t}", f"sha-{i:040x}-{t}"]
            if i == count - 1:
                tags.append(f"latest-{t}")
            if i == count - 2:
                tags.append(f"previous-{t}")  # maybe archived: production's rollback target in deep storage
            status = "ARCHIVED" if i in archived and i != count - 1 else "ACTIVE"
            rows.append(Img(f"{t}-{i}", tuple(tags), 10 * i, status=status))
        if draw(st.booleans()):
            rows.append(Img(f"{t}-build", (f"sha-{'f' * 40}-{t}", f"staging-{t}"), 100))
    edges = draw(st.sets(st.sampled_from(EDGES), max_size=len(EDGES)))
    for edge in sorted(edges):
        rows.extend(EDGE_ROWS[edge](draw))
    return tuple(rows)


def _untagged(draw) -> list[Img]:
    return [Img(f"untagged-{n}", (), 5 + n) for n in range(draw(st.integers(1, 3)))]


def _many_tags(draw) -> list[Img]:
    count = draw(st.integers(100, 130))
    return [Img("many-tags", tuple(f"v0.{n}.0-runtime" for n in range(count)), 3)]


def _long_tags(draw) -> list[Img]:
    # 128 characters each: a release of runtime, a build of minimal, and a tag of no target.
    release = "v2.0.0-rc." + "9" * (128 - len("v2.0.0-rc.") - len("-runtime")) + "-runtime"
    build_target = "m" * (128 - len("sha-") - 40 - 1)
    other = "x" * 128
    return [Img("long-tags", (release, f"sha-{'e' * 40}-{build_target}", other), 50)]


def _index(draw) -> list[Img]:
    children = ("child-amd64", "child-arm64")
    rows = [Img(c, (), 60) for c in children]
    rows.append(Img("index-runtime", ("v3.0.0-runtime", f"sha-{'d' * 40}-runtime"), 61, children=children))
    return rows


def _no_push_time(draw) -> list[Img]:
    return [Img("no-push-time", ("v0.0.1-minimal",), None), Img("no-push-time-untagged", (), None)]


EDGE_ROWS = {"untagged": _untagged, "many tags": _many_tags, "128-char tags": _long_tags,
             "index and children": _index, "no push time": _no_push_time}
EDGES = tuple(EDGE_ROWS)
