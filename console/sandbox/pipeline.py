"""The bundled workflows' shape: which jobs and steps each run has, in stages (a stage's jobs run in parallel).

Shared by the seeded history (completed runs, canned output) and the live simulator (which runs
each step's ``action`` against ECR). Job names follow the workflows in ``.github/workflows``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StepSpec:
    name: str
    seconds: float  # simulated duration
    output: tuple[str, ...] = ()
    action: str | None = None  # what the live simulator does in this step (see simulator.ACTIONS)


@dataclass(frozen=True)
class JobSpec:
    name: str
    steps: tuple[StepSpec, ...]
    environment: str | None = None  # a job gated by this environment's protection rules
    when: str = "success"  # "success": every earlier job succeeded; "failure": one failed; "failure:<job>": that one
    fails_on: str | None = None  # name of the step that fails (seeded failures)


@dataclass(frozen=True)
class RunSpec:
    stages: tuple[tuple[JobSpec, ...], ...]
    extra: dict = field(default_factory=dict)


def _job(name: str, body: list[StepSpec], **kw) -> JobSpec:
    setup = StepSpec("Set up job", 2, ("Operating System", "  Ubuntu 24.04.1 LTS"))
    checkout = StepSpec("Run actions/checkout@v4", 3, ("Syncing repository: acme/shop",))
    done = StepSpec("Complete job", 1, ("Cleaning up orphan processes",))
    return JobSpec(name, (setup, checkout, *body, done), **kw)


def _aws(extra: list[StepSpec]) -> list[StepSpec]:
    return [
        StepSpec("Configure AWS credentials", 2, ("Assuming role with OIDC",)),
        StepSpec("Log in to Amazon ECR", 2, ("Logged in to the ECR registry",)),
        *extra,
    ]


def ci(targets: tuple[str, ...], sha: str, *, test_fails: bool = False) -> RunSpec:
    quality = _job("quality", [
        StepSpec("Set up Python", 6, ("Successfully set up CPython (3.12.7)",)),
        StepSpec("Lint", 9, ("ruff check .", "All checks passed!")),
        StepSpec("Type check", 14, ("mypy src", "Success: no issues found in 84 source files")),
    ])
    scan = _job("security-scan", [
        StepSpec("Scan dependencies", 18, ("trivy fs --severity HIGH,CRITICAL .", "Total: 0 (HIGH: 0, CRITICAL: 0)")),
    ])
    builds = tuple(
        _job(f"build ({t})", [
            StepSpec("Set up Docker Buildx", 5, ("Using buildx driver docker-container",)),
            StepSpec(f"Build {t} image", 70, (f"#12 exporting to image sha-{sha[:12]}-{t}", "#12 DONE 4.2s")),
        ])
        for t in targets
    )
    failing = (
        "tests/test_checkout.py::test_cart_total FAILED",
        "    assert cart.total() == Decimal('41.90')",
        "E   AssertionError: assert Decimal('41.80') == Decimal('41.90')",
        "=========== 1 failed, 212 passed in 41.27s ===========",
        "##[error]tests/test_checkout.py:88: 1 test failed",
    )
    passing = ("=========== 213 passed in 40.91s ===========",)
    test = _job("test", [
        StepSpec("Set up Python", 6, ("Successfully set up CPython (3.12.7)",)),
        StepSpec("Run tests", 45, ("pytest -q",) + (failing if test_fails else passing)),
    ], fails_on="Run tests" if test_fails else None)
    return RunSpec(((quality, scan), builds, (test,)))


def _smoke(env: str, fails: bool) -> StepSpec:
    url = f"GET https://{env}.shop.example.com/healthz"
    if fails:
        return StepSpec("Smoke test", 20, (url, "503 Service Unavailable (attempt 3 of 3)",
                                           "##[error]Smoke test failed: /healthz answered 503 three times"))
    return StepSpec("Smoke test", 20, (url, "200 OK"))


def cd_staging(targets: tuple[str, ...], sha: str, *, smoke_fails: bool = False) -> RunSpec:
    push = tuple(
        _job(f"push-image ({t})", _aws([
            StepSpec(f"Push sha-{sha[:12]}-{t}", 12, (f"pushing sha-{sha}-{t}",), action=f"push_image:{t}"),
        ]))
        for t in targets
    )
    deploy = _job("deploy-staging", _aws([
        StepSpec(f"Move staging-{t}", 3, (), action=f"move_staging:{t}") for t in targets
    ]), environment="staging")
    smoke = _job("smoke-staging", [_smoke("staging", smoke_fails)], fails_on="Smoke test" if smoke_fails else None)
    return RunSpec((push, (deploy,), (smoke,)))


def cd_release(targets: tuple[str, ...], version: str, *, smoke_fails: bool = False) -> RunSpec:
    resolve = _job("resolve", _aws([
        StepSpec("Find the digests staging tested", 3, (), action="resolve"),
    ]))
    deploy = _job("deploy-production", _aws([
        StepSpec("Promote by digest", 6, (), action="promote"),
    ]), environment="production")
    smoke = _job("smoke-production", [_smoke("production", smoke_fails)], fails_on="Smoke test" if smoke_fails else None)
    rollback = _job("rollback-production", _aws([
        StepSpec("Roll back every target to previous-<target>", 5, (), action="auto_rollback"),
    ]), when="failure:smoke-production")
    return RunSpec(((resolve,), (deploy,), (smoke,), (rollback,)))


def cd_dispatch(targets: tuple[str, ...], inputs: dict[str, str]) -> RunSpec:
    validate = _job("validate", [StepSpec("Validate inputs", 2, (), action="validate")])
    if inputs.get("operation") == "prune":
        work: tuple[JobSpec, ...] = (_job("prune", _aws([StepSpec("Delete the requested digests", 6, (), action="prune")])),)
    else:
        work = tuple(
            _job(f"rollback ({t})", _aws([StepSpec(f"Move latest-{t}", 4, (), action=f"rollback:{t}")]))
            for t in targets
        )
    verify = _job("verify", _aws([StepSpec("Read back ECR", 3, (), action="verify")]))
    return RunSpec(((validate,), work, (verify,)))


def security(*, fails: bool = False) -> RunSpec:
    found = (
        "trivy image --severity HIGH,CRITICAL shop:latest-runtime",
        "openssl (CVE-2026-0113) HIGH fixed in 3.0.16-1",
        "Total: 1 (HIGH: 1, CRITICAL: 0)",
        "##[error]1 HIGH vulnerability found",
    )
    clean = ("trivy image --severity HIGH,CRITICAL shop:latest-runtime", "Total: 0 (HIGH: 0, CRITICAL: 0)")
    scan = _job("scan-images", _aws([StepSpec("Scan production images", 40, found if fails else clean)]),
                fails_on="Scan production images" if fails else None)
    return RunSpec(((scan,),))


def dispatch_title(inputs: dict[str, str]) -> str:
    """The CD run-name for dispatched operations: carries ``[request_id]`` so the console can find it."""
    op = inputs.get("operation", "")
    what = inputs.get("targets") or "all" if op == "rollback" else f"{len(split_list(inputs.get('digests', '')))} images"
    title = f"{op} {what}".strip()
    if inputs.get("request_id"):
        title += f" [{inputs['request_id']}]"
    return title


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
