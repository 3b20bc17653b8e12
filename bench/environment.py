"""The system under test at one scale: the sandbox (GitHub stand-in + moto ECR + simulator).

``small`` is the sandbox's seed data; ``large`` is 10,000 images across 3 targets and 1,000 runs.
"""

from __future__ import annotations

import gc
import logging
import os
from dataclasses import dataclass, field
from typing import Any

LARGE_TARGETS = ("minimal", "runtime", "full")
LARGE_IMAGES = 10_000
LARGE_RUNS = 1_000


@dataclass
class BenchEnv:
    scale: str  # "small" | "large"
    sandbox: Any = None  # console.sandbox.Sandbox, once started
    results: dict[str, Any] = field(default_factory=dict)  # shared between figures (e.g. RSS samples)

    def env(self) -> dict[str, str]:
        return dict(self.sandbox.env())

    def settings(self, **overrides):
        return self.sandbox.settings(**overrides)

    @property
    def ecr_repository(self) -> str:
        return self.sandbox.ecr_repository

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.sandbox.targets)

    def start(self) -> BenchEnv:
        from console.sandbox import Sandbox

        large = {"images": LARGE_IMAGES, "runs": LARGE_RUNS, "targets": LARGE_TARGETS}
        self.sandbox = Sandbox(**({} if self.scale == "small" else large))
        self.sandbox.start()
        # The servers run in this process and the seeded state (10,000 images, 1,000 runs) lives as
        # long as they do: frozen, the collector no longer re-scans it while a timed request is
        # served (it added up to ~0.15 s of spread to moto's 0.95 s describe_images).
        gc.collect()
        gc.freeze()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto logs a line per request
        # In-process figures (idle, rollback) build services like the CLI does: from the environment.
        os.environ.update({k: v for k, v in self.env().items() if k.startswith("AWS_")})
        return self

    def stop(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()

    def __enter__(self) -> BenchEnv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
