"""Multi-platform images on both paths: runtime's releases are OCI image indexes whose per-platform
children are untagged. A rollback retags the index manifest byte for byte; prune and cleanup delete
the index they are given or choose, and leave the untagged children to the lifecycle policy (they
may belong to an index still in use)."""

from __future__ import annotations

from console.model.plans import plan_prune
from tests.differential.harness import TARGETS, Case, Img, Repos, digest, prune_like_the_workflow, rollback_by_names

SHA = {"v0.9": "9" * 40, "v1": "a" * 40, "v2": "b" * 40}
ROWS = (("v0.9", 5, ("v0.9.0",)), ("v1", 10, ("v1.0.0", "previous")), ("v2", 20, ("v2.0.0", "latest")))


def multi_platform() -> tuple[Img, ...]:
    """minimal: single-platform releases; runtime: an index per release, two untagged children each."""
    images = []
    for name, pushed, kinds in ROWS:
        images.append(Img(f"{name}-minimal", (f"sha-{SHA[name]}-minimal", *(f"{k}-minimal" for k in kinds)), pushed))
        children = (f"{name}-runtime-amd64", f"{name}-runtime-arm64")
        images += [Img(child, (), pushed) for child in children]
        images.append(Img(f"{name}-runtime", (f"sha-{SHA[name]}-runtime", *(f"{k}-runtime" for k in kinds)), pushed,
                          children=children))
    return tuple(images)


def index_digest(name: str) -> str:
    return digest(f"{name}-runtime", (f"{name}-runtime-amd64", f"{name}-runtime-arm64"))


def test_rollback_retags_an_index(differ):
    differ.check(Case("rollback runtime (an index)", multi_platform(), "rollback.sh", {"TARGETS": "runtime"},
                      rollback_by_names(["runtime"]), expect_tags={"latest-runtime": "v1-runtime"}))


def test_prune_of_an_index_leaves_its_untagged_children(differ):
    digests = [index_digest("v0.9")]

    async def call(repos: Repos):
        await prune_like_the_workflow(repos, digests)

    differ.check(Case("prune an index", multi_platform(), "prune.sh", {"DIGESTS": ",".join(digests)}, call,
                      expect_gone=("v0.9-runtime",),
                      expect_tags={"latest-runtime": "v2-runtime", "previous-runtime": "v1-runtime"}))


def test_cleanup_deletes_old_indexes_and_leaves_untagged_children(differ):
    async def call(repos: Repos):
        ecr = repos()
        plan = plan_prune(await ecr.list_images(), TARGETS, 1)
        await prune_like_the_workflow(repos, plan.digests)

    bash, _ = differ.check(Case("cleanup keep 1 with indexes", multi_platform(), "cleanup.sh", {"KEEP": "1"}, call,
                                expect_gone=("v0.9-runtime", "v0.9-minimal"),
                                expect_tags={"latest-runtime": "v2-runtime", "previous-runtime": "v1-runtime"}))
    untagged = {d for d, tags in bash.state["shop"].items() if not tags}
    assert untagged == {digest(f"{n}-runtime-{arch}") for n, _, _ in ROWS for arch in ("amd64", "arm64")}
