"""Shared fixtures.

``sandbox``: a started :class:`console.sandbox.Sandbox` (seed 7, targets minimal and runtime, fast
simulated time: a CI+CD run finishes in well under a second), stopped after the test. While it runs,
the process environment points at it (``sb.env()``: GITHUB_API_URL, GH_ENTERPRISE_TOKEN, AWS_ENDPOINT_URL_ECR,
dummy AWS credentials and region, GHAECR_REPO, GHAECR_ECR_REPOSITORY), so boto3, the services and
the CLI find it without flags; ``monkeypatch.delenv`` what a test wants absent.

``sandbox_factory``: ``sandbox_factory(images=..., runs=..., targets=..., speed=..., seed=...)`` for
another shape (same clean-up and environment).

``read_only_sandbox``: the module's shared frozen sandbox (seed 7, history anchored at FIXED_NOW,
paused), for tests that only read; a write through it fails the test (tests/shared_sandbox.py).

Only one sandbox runs at a time in a process: moto's state is process-global and is reset on start.

Hypothesis profiles: ``ci`` (the default) is deterministic (``derandomize``: the same examples on every
run and machine, no example database) and small enough for the whole property suite to stay around
a minute on two cores; ``HYPOTHESIS_PROFILE=deep`` draws random examples, many more of them. A test
that is costly per example asks for a share of the profile's count with ``examples(fraction)``
(tests/properties/profile.py) instead of a fixed number, so ``deep`` deepens it too.
"""

from __future__ import annotations

import logging
import os

import pytest
from hypothesis import HealthCheck, settings

from tests.shared_sandbox import SharedSandbox, frozen_sandbox, lend, retire_shared

settings.register_profile(
    "ci", derandomize=True, database=None, max_examples=40, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep", max_examples=1000, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FAST = 600.0  # simulated seconds per wall second in tests

# moto's server logs every request line to stderr through werkzeug; keep test output readable.
logging.getLogger("werkzeug").setLevel(logging.ERROR)


@pytest.hookimpl(trylast=True)  # a stable sort: otherwise the collection order
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long tests (marked ``slow``) first. xdist hands out one test at a time (``--maxschedchunk 1``
    in pyproject's addopts), so the short ones fill in around the long ones and the run does not end
    with one worker alone on a long test drawn last (the 2-core suite's last minute, before)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads the developer's config file or writes their audit log."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("GHAECR_CONSOLE_STATE_DIR", str(home / "state"))


@pytest.fixture
def sandbox_factory(monkeypatch):
    from console.sandbox import Sandbox

    yield from _starting(monkeypatch, lambda **kwargs: Sandbox(**kwargs).start())


@pytest.fixture
def sandbox(sandbox_factory):
    return sandbox_factory()


@pytest.fixture
def sandboxes_factory(monkeypatch):
    """``sandboxes_factory(repos, **kwargs)``: several sandbox repositories on one GitHub stand-in and
    one ECR (console/sandbox/several.py), the environment pointing at them (no GHAECR_REPO)."""
    from console.sandbox.several import Sandboxes

    def start(repos=("acme/shop", "acme/cart", "acme/search"), **kwargs):
        monkeypatch.delenv("GHAECR_REPO", raising=False)
        monkeypatch.delenv("GHAECR_ECR_REPOSITORY", raising=False)
        return Sandboxes(list(repos), **kwargs).start()

    yield from _starting(monkeypatch, start)


def _starting(monkeypatch, start):
    """Yield ``make(...)``: ``start(...)`` at test speed, the environment pointing at what it started;
    everything started is stopped after the test."""
    started = []

    def make(*args, **kwargs):
        kwargs.setdefault("speed", FAST)
        retire_shared()  # moto's state is reset on start: a shared sandbox would be emptied under its tests
        sb = start(*args, **kwargs)
        started.append(sb)
        for name, value in sb.env().items():
            monkeypatch.setenv(name, value)
        return sb

    yield make
    for sb in reversed(started):
        sb.stop()


@pytest.fixture(scope="module")
def shared_frozen_sandbox():
    """The module's one frozen sandbox (started on first use); tests take it through ``read_only_sandbox``."""
    shared = SharedSandbox(frozen_sandbox)
    yield shared
    shared.retire()


@pytest.fixture
def read_only_sandbox(shared_frozen_sandbox, monkeypatch):
    """The module's shared frozen sandbox, for a test that only reads (a write fails the test)."""
    with lend(shared_frozen_sandbox, monkeypatch) as sb:
        yield sb


@pytest.fixture(scope="session")
def moto_server_url():
    """moto's server on 127.0.0.1 for the whole session. Its state lives in this process, shared by
    every server: a test resets it (POST /moto-api/reset) before seeding."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
