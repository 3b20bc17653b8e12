"""``Sandbox``: moto's ECR server + the GitHub stand-in (uvicorn in a thread) + the pipeline simulator."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import urllib.request
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from console.config import Settings
from console.sandbox import actions_settings, ecr_seed, seed
from console.sandbox.clock import SimClock
from console.sandbox.faults import Faults
from console.sandbox.github_app import build_app
from console.sandbox.http_features import TOKEN
from console.sandbox.loopback import LoopbackServer
from console.sandbox.simulator import Simulator
from console.sandbox.state import GitHubState, Run
from console.services.ecr import EcrService
from console.services.registry import Registry

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer
    from starlette.applications import Starlette

START_TIMEOUT = 30.0
T = TypeVar("T")


_shared_moto: ThreadedMotoServer | None = None
_shared_lock = threading.Lock()


def _start_moto_server(port: int) -> ThreadedMotoServer:
    from moto.server import ThreadedMotoServer

    # moto's werkzeug server logs each request to stderr: that would scribble over the TUI.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server


def shared_moto_server() -> ThreadedMotoServer:
    """One moto server per process, reused by every Sandbox (its state is process-global anyway, and
    stopping werkzeug costs half a second per test)."""
    global _shared_moto
    with _shared_lock:
        if _shared_moto is None:
            _shared_moto = _start_moto_server(0)
        return _shared_moto


def reset_moto(server: ThreadedMotoServer) -> str:
    """Empty moto's state (process-global) and return the server's endpoint URL."""
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST", data=b"")
    urllib.request.urlopen(request, timeout=10).read()
    return url


class Sandbox:
    """Everything the console talks to, on 127.0.0.1. One at a time per process (moto's state is global)."""

    def __init__(self, seed: int = 7, images: int | None = None, runs: int | None = None,
                 targets: tuple[str, ...] = ("minimal", "runtime"), speed: float = 1.0, *,
                 now: datetime | None = None, port: int = 0, ecr_port: int = 0,
                 repo: str = "acme/shop", ecr_repository: str = "shop", region: str = "us-east-1",
                 production_repository: str | None = None,
                 gate_dispatch: bool = False, activity_s: float | None = None, first_id: int = 0) -> None:
        self.seed, self.images, self.runs = seed, images, runs
        self.targets = tuple(targets)
        self.speed, self.anchor = speed, now
        self.gate_dispatch = gate_dispatch  # dispatched rollback/prune wait for production review (like GitHub)
        self.activity_s = activity_s  # a demo: push to main now and every N simulated seconds
        self.port, self.ecr_port = port, ecr_port
        self.repo, self.ecr_repository, self.region = repo, ecr_repository, region
        self.production_repository = production_repository  # the two-repository layout when set
        self.token = TOKEN
        self.user = "octo-operator"
        self.faults = Faults()
        owner, name = repo.split("/", 1)
        # first_id: where this repository's run and job ids start (several repositories share one host,
        # and GitHub's ids are unique across repositories).
        self.state = GitHubState(owner=owner, repo=name, user=self.user, targets=self.targets, _next_id=first_id)
        self.github_url = ""
        self.ecr_endpoint_url = ""
        # Made by start(); read through the properties below.
        self._asgi_app: Starlette | None = None
        self._simulator: Simulator | None = None
        self._clock: SimClock | None = None
        self.pending_run_id: int | None = None
        self._pending_version = ""
        self.timings: dict[str, float] = {}
        self._moto: ThreadedMotoServer | None = None
        self._http: LoopbackServer | None = None

    @property
    def simulator(self) -> Simulator:
        return _started(self._simulator)

    @property
    def clock(self) -> SimClock:
        return _started(self._clock)

    @property
    def asgi_app(self) -> Starlette:
        return _started(self._asgi_app)

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        t0 = time.perf_counter()
        self.ecr_endpoint_url = reset_moto(self._start_moto())
        self.timings["moto"] = time.perf_counter() - t0
        self.prepare(t0)
        self._http = LoopbackServer(self.asgi_app, self.port)
        self.simulator.loop = self._http.loop
        self.github_url = self._http.start(timeout=START_TIMEOUT, on_exit=self.simulator.aclose)
        self.settle(t0)
        return self

    def prepare(self, t0: float) -> None:
        """Seed GitHub's history and ECR's images, build the simulator and the stand-in's app (not
        served yet: the caller serves it, then calls settle()). ``ecr_endpoint_url`` must be set."""
        clock = self._clock = SimClock(self.anchor, self.speed)
        self.faults.clock = clock
        history = seed.build(self.state, seed=self.seed, targets=self.targets, images=self.images, runs=self.runs,
                             anchor=clock.anchor,
                             image_url=partial(ecr_seed.image_url, self.region, self.ecr_repository))
        self.timings["history"] = time.perf_counter() - t0
        actions_settings.seed(self.state, region=self.region, ecr_repository=self.ecr_repository,
                              production_repository=self.production_repository)
        for name in filter(None, (self.ecr_repository, self.production_repository)):
            ecr_seed.create_repository(self.ecr_endpoint_url, self.region, name)
        ecr_seed.install(self.region, self.ecr_repository, history.images, self.production_repository)
        self.timings["ecr"] = time.perf_counter() - t0
        simulator = self._simulator = Simulator(
            self.state, clock, self.registry(), seed=self.seed, targets=self.targets, region=self.region,
            repository=self.ecr_repository, endpoint_url=self.ecr_endpoint_url)
        simulator.gate_dispatch = self.gate_dispatch
        self._asgi_app = build_app(self.state, self.faults, simulator)
        self._pending_version = history.pending_release[0]

    def settle(self, t0: float) -> None:
        """Once served: the release tagged a while ago, waiting for production's review; the demo's activity."""
        simulator = self.simulator
        waiting_since = self.clock.anchor - timedelta(minutes=47)  # tagged a while ago, still waiting
        run = simulator.call(simulator.start_waiting_release, self._pending_version, waiting_since)
        self.pending_run_id = run.id
        self.wait_run(run.id, "waiting", timeout=START_TIMEOUT)
        if self.activity_s:
            simulator.start_activity(self.activity_s)
        self.timings["total"] = time.perf_counter() - t0

    def _start_moto(self) -> ThreadedMotoServer:
        if self.ecr_port:
            self._moto = _start_moto_server(self.ecr_port)  # a dedicated server on the asked port
            return self._moto
        return shared_moto_server()

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None
        if self._moto is not None:
            self._moto.stop()
            self._moto = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what clients need ----------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        return {
            "GITHUB_API_URL": self.github_url,
            # The stand-in is not github.com: gh's variable for another host (a github.com token never goes there).
            "GH_ENTERPRISE_TOKEN": self.token,
            "AWS_ENDPOINT_URL_ECR": self.ecr_endpoint_url,
            "AWS_ENDPOINT_URL_STS": self.ecr_endpoint_url,  # moto answers every service (doctor's identity)
            "AWS_ACCESS_KEY_ID": ecr_seed.DUMMY_KEY,
            "AWS_SECRET_ACCESS_KEY": ecr_seed.DUMMY_KEY,
            "AWS_DEFAULT_REGION": self.region,
            "GHAECR_REPO": self.repo,
            "GHAECR_ECR_REPOSITORY": self.ecr_repository,
            **({"GHAECR_PRODUCTION_REPOSITORY": self.production_repository} if self.production_repository else {}),
        }

    def settings(self, **overrides: Any) -> Settings:
        base = Settings(repo=self.repo, ecr_repository=self.ecr_repository, github_url=self.github_url,
                        token=self.token, region=self.region, targets=self.targets, sandbox=True,
                        production_repository=self.production_repository)
        return replace(base, **overrides)

    def registry(self) -> Registry:
        """The sandbox's ECR in its layout, with dummy credentials (the simulator's; tests')."""
        def service(name: str) -> EcrService:
            return EcrService(name, region=self.region, endpoint_url=self.ecr_endpoint_url, max_attempts=3,
                              session=ecr_seed.session(self.region))

        production = service(self.production_repository) if self.production_repository else None
        return Registry(service(self.ecr_repository), production)

    def ecr_client(self) -> ecr_seed.EcrClient:
        """A boto3 ECR client on the sandbox (for tests and the bench)."""
        return ecr_seed.client(self.ecr_endpoint_url, self.region)

    # --- driving the pipeline -------------------------------------------------------------------

    def push_main(self, message: str = "Change something", *, ci_fails: bool = False) -> str:
        """A commit on main: CI, then CD to staging. Returns the commit sha."""
        return self.simulator.push_main(message, ci_fails=ci_fails)

    def push_tag(self, version: str, *, smoke_fails: bool = False) -> int:
        """Tag main's head: a CD run that waits for production approval. Returns the run id."""
        return self.simulator.push_tag(version, smoke_fails=smoke_fails)

    def protect(self, environment: str = "production", *, reviewers: list[str] | None = None,
                teams: list[str] | None = None, prevent_self_review: bool | None = None,
                apps: list[str] | None = None) -> None:
        """Change an environment's protection rules (as its settings page would): required reviewers
        (users, teams), prevent_self_review, and the GitHub Apps of custom deployment protection rules.
        A run already waiting keeps waiting; GitHub answers by the new rules from now on."""
        with self.state.lock:
            env = self.state.environments[environment]
            if reviewers is not None:
                env.reviewers = list(reviewers)
            if teams is not None:
                env.reviewer_teams = list(teams)
            if prevent_self_review is not None:
                env.prevent_self_review = prevent_self_review
            if apps is not None:
                env.protection_apps = list(apps)

    def pause(self) -> None:
        """Freeze the pipeline and simulated time: running jobs stop where they are (idle measurements,
        screenshots)."""
        self.clock.pause()

    def resume(self) -> None:
        self.clock.resume()

    def run(self, run_id: int) -> Run:
        return self.state.runs[run_id]

    def runs_for(self, sha: str) -> list[Run]:
        with self.state.lock:
            return [r for r in self.state.runs_newest_first() if r.head_sha == sha]

    def wait_run(self, run_id: int, status: str = "completed", timeout: float = 10.0) -> Run:
        """Block until the run reaches ``status`` (for tests in plain threads)."""
        deadline = time.monotonic() + timeout
        while (run := self._run_reached(run_id, status, deadline)) is None:
            time.sleep(0.01)
        return run

    async def await_run(self, run_id: int, status: str = "completed", timeout: float = 10.0) -> Run:
        """Like :meth:`wait_run`, without blocking the caller's event loop."""
        deadline = time.monotonic() + timeout
        while (run := self._run_reached(run_id, status, deadline)) is None:
            await asyncio.sleep(0.01)
        return run

    def _run_reached(self, run_id: int, status: str, deadline: float) -> Run | None:
        """The run once it has ``status``; None while it may still get there; TimeoutError after ``deadline``."""
        with self.state.lock:
            run = self.state.runs.get(run_id)
            if run is not None and run.status == status:
                return run
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} is {run.status if run else 'missing'}, not {status}")
        return None

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until no run is queued or in progress (waiting runs do not count)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.state.lock:  # the simulator adds runs from its own thread
                busy = [r.id for r in self.state.runs.values() if r.status in ("queued", "in_progress")]
            if not busy:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"runs still in progress: {busy}")
            time.sleep(0.01)


def _started(part: T | None) -> T:
    if part is None:
        raise RuntimeError("the sandbox is not started: call start() first")
    return part
