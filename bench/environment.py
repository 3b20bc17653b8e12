"""The system under test at one scale: the sandbox (GitHub stand-in + moto ECR + simulator).

``small`` is the sandbox's seed data; ``large`` is 10,000 images across 3 targets and 1,000 runs.
When the sandbox cannot be imported (early in the project) a bare moto server with a seeded large
registry stands in, and the figures that need GitHub are skipped with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.registry import quiet_moto, seed_large

LARGE_TARGETS = ("minimal", "runtime", "full")
LARGE_IMAGES = 10_000
LARGE_RUNS = 1_000
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                     "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass
class BenchEnv:
    scale: str  # "small" | "large"
    sandbox: Any = None  # console.sandbox.Sandbox when available
    moto: Any = None  # the fallback ThreadedMotoServer
    notes: list[str] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)  # shared between figures (e.g. RSS samples)
    _env: dict[str, str] = field(default_factory=dict)

    @property
    def has_github(self) -> bool:
        return self.sandbox is not None

    def env(self) -> dict[str, str]:
        return dict(self.sandbox.env() if self.sandbox is not None else self._env)

    def settings(self, **overrides):
        if self.sandbox is None:
            raise RuntimeError("settings() needs the sandbox")
        return self.sandbox.settings(**overrides)

    @property
    def ecr_repository(self) -> str:
        return self.env()["GHAECR_ECR_REPOSITORY"]

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.sandbox.targets) if self.sandbox is not None else LARGE_TARGETS

    def start(self) -> BenchEnv:
        quiet_moto()
        try:
            from console.sandbox import Sandbox
        except ImportError:
            Sandbox = None  # noqa: N806
        if Sandbox is not None and hasattr(Sandbox, "start"):
            large = {"images": LARGE_IMAGES, "runs": LARGE_RUNS, "targets": LARGE_TARGETS}
            kwargs = {} if self.scale == "small" else large
            self.sandbox = Sandbox(**kwargs)
            self.sandbox.start()
            quiet_moto()
            self._export()
            return self
        if self.scale == "small":
            raise RuntimeError("the small scale needs console.sandbox (not there yet)")
        self._start_moto_only()
        return self

    def _export(self) -> None:
        """In-process figures (idle, rollback) build services like the CLI does: from the environment."""
        import os

        os.environ.update({k: v for k, v in self.env().items() if k.startswith("AWS_")})

    def _start_moto_only(self) -> None:
        from moto.server import ThreadedMotoServer

        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        host, port = self.moto.get_host_and_port()
        seed_large("shop", DUMMY_CREDENTIALS["AWS_DEFAULT_REGION"], LARGE_TARGETS, LARGE_IMAGES)
        self._env = {**DUMMY_CREDENTIALS, "AWS_ENDPOINT_URL_ECR": f"http://{host}:{port}",
                     "GHAECR_REPO": "acme/shop", "GHAECR_ECR_REPOSITORY": "shop",
                     "GITHUB_API_URL": "http://127.0.0.1:9", "GH_TOKEN": "unused-token"}
        self._export()
        self.notes.append("sandbox unavailable: moto-only registry; GitHub figures skipped")

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()
        if self.moto is not None:
            self.moto.stop()

    def __enter__(self) -> BenchEnv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
