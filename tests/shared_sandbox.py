"""One frozen sandbox shared by the read-only tests of a module, instead of one started per test.

Only for tests that do not write (no approve, rollback, prune, re-run or cancel carried out). The
fixtures that hand it out say so in their names (``read_only_sandbox``, ``read_only_console_app``)
and the guard makes a write fail loudly rather than leak into the next test:

- the stand-in answers the write routes with GitHub's 403 (nothing is carried out), and any
  non-GET request that reached it fails the test at teardown, naming the request;
- what a write would change (runs, deployments, tags; ECR's digests and tags) is compared with how it
  was when the test began; a difference fails the test and the sandbox is thrown away, so the next
  test starts a clean one.

Per-test bookkeeping a read moves (the rate-limit count on the status bar, the request log, fault
knobs) is reset before each test, so a screen does not depend on which tests ran before it.

One sandbox runs at a time in a process (moto's state is global and reset on start): starting
another (``sandbox_factory``) retires the shared one first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from console.sandbox.faults import WRITE_KINDS

Stage = Callable[[Any], None]

_live: SharedSandbox | None = None  # the one shared sandbox of this process, if any


def frozen_sandbox() -> Any:
    """Seed 7, history anchored at FIXED_NOW, the pipeline and simulated time standing still."""
    from console.sandbox import Sandbox
    from console.ui.scenarios import FIXED_NOW, FROZEN_SPEED

    sb = Sandbox(speed=FROZEN_SPEED, now=FIXED_NOW).start()
    sb.pause()
    return sb


@contextmanager
def lend(shared: SharedSandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The shared sandbox for one test, the process environment pointing at it, checked after."""
    sb = shared.checkout()
    for name, value in sb.env().items():
        monkeypatch.setenv(name, value)
    yield sb
    shared.check_in()


def retire_shared() -> None:
    """Stop the shared sandbox (before another sandbox resets moto under it)."""
    if _live is not None:
        _live.retire()


class SharedSandbox:
    """A frozen sandbox, started on first use with ``make(**sandbox_kwargs)`` then ``stage(sb)``."""

    def __init__(self, make: Callable[[], Any], stage: Stage | None = None) -> None:
        self._make, self._stage = make, stage
        self.sandbox: Any = None
        self._before: tuple[str, str] | None = None

    def checkout(self) -> Any:
        """The sandbox for one read-only test: started if needed, its read bookkeeping reset, guarded."""
        global _live
        if self.sandbox is None:
            retire_shared()
            self.sandbox = self._make()
            if self._stage is not None:
                self._stage(self.sandbox)
            _live = self
        sb = self.sandbox
        sb.faults.reset()
        sb.faults.forbidden = set(WRITE_KINDS)  # a write is refused, never carried out
        with sb.state.lock:
            sb.state.requests.clear()
            sb.state.ratelimit_used = 0
        self._before = fingerprint(sb)
        return sb

    def check_in(self) -> None:
        """After the test: fail it loudly (and discard the sandbox) if it wrote or tried to."""
        sb = self.sandbox
        if sb is None or self._before is None:
            return  # retired during the test (it started a sandbox of its own)
        with sb.state.lock:
            writes = [f"{r.method} {r.path}" for r in sb.state.requests if r.method != "GET"]
        changed = [part for part, (a, b) in zip(("GitHub", "ECR"), zip(self._before, fingerprint(sb))) if a != b]
        if not writes and changed == ["GitHub"]:
            # Moved with no write request: the paused simulator finished a step it had begun (seen
            # once in CI, right after a start). Not the test's doing; start afresh so nothing leaks.
            self.retire()
            return
        if writes or changed:
            self.retire()
            pytest.fail("a test wrote through the shared read-only sandbox "
                        f"(requests: {writes or 'none'}; changed: {changed or 'nothing'}); "
                        "use a fixture that starts its own sandbox (console_app, sandbox)", pytrace=False)

    def retire(self) -> None:
        global _live
        if self.sandbox is not None:
            self.sandbox.stop()
            self.sandbox = None
        if _live is self:
            _live = None


def fingerprint(sb: Any) -> tuple[str, str]:
    """Digests of what a write changes: the stand-in's runs, deployments and tags; ECR's images."""
    st = sb.state
    with st.lock:  # what a dispatch, review, cancel or re-run moves (not the logs: 1 MB of repr, ~25 ms)
        runs = [(r.id, r.status, r.conclusion, r.run_attempt, len(r.reviews), tuple(r.pending),
                 tuple((j.id, j.status, j.conclusion) for j in r.jobs)) for r in st.runs.values()]
        github = repr((st._next_id, runs, sorted(st.deployments), st.tags, len(st.commits)))
    client = sb.ecr_client()
    images = []
    for name in filter(None, (sb.ecr_repository, sb.production_repository)):
        for page in client.get_paginator("list_images").paginate(repositoryName=name):
            images += sorted((i["imageDigest"], i.get("imageTag", "")) for i in page["imageIds"])
    return _digest(github), _digest(repr(images))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
