"""The bundled workflows' shape (``.github/workflows/{ci,cd,security}.yml``): run names, jobs and
steps, in stages (a stage's jobs run in parallel, like jobs whose ``needs`` are met together).

Shared by the seeded history (completed runs, canned output) and the live simulator (which runs
each step's ``action`` against ECR through ``console.services``).
"""

from __future__ import annotations

from dataclasses import dataclass

from console.sandbox.expressions import interpolate
from console.sandbox.workflow_graph import load

# Conditions, for jobs and steps: "success" (nothing failed before), "failure" (something did),
# "failure:<name>" (that job/step failed), "always".


@dataclass(frozen=True)
class StepSpec:
    name: str
    seconds: float  # simulated duration
    output: tuple[str, ...] = ()
    action: str | None = None  # what the live simulator does in this step (Simulator._do_<kind>)
    when: str = "success"


@dataclass(frozen=True)
class JobSpec:
    name: str
    steps: tuple[StepSpec, ...]
    environment: str | None = None  # the job references this environment (protection rules apply)
    deployment: bool = True  # `deployment: false`: no deployment record for the environment
    when: str = "success"
    fails_on: str | None = None  # name of the step that fails (seeded failures)
    target: str | None = None  # the matrix leg's target (deploy jobs: whose image the deployment ships)


@dataclass(frozen=True)
class RunSpec:
    stages: tuple[tuple[JobSpec, ...], ...]


def _job(name: str, body: list[StepSpec], *, environment: str | None = None, deployment: bool = True,
         when: str = "success", fails_on: str | None = None, target: str | None = None) -> JobSpec:
    setup = StepSpec("Set up job", 2, ("Operating System", "  Ubuntu 24.04.2 LTS"))
    checkout = StepSpec("Run actions/checkout@v7", 3, ("Syncing repository: acme/shop",))
    done = StepSpec("Complete job", 1, ("Cleaning up orphan processes",), when="always")
    return JobSpec(name, (setup, checkout, *body, done), environment, deployment, when, fails_on, target)


def _aws(extra: list[StepSpec]) -> list[StepSpec]:
    return [
        StepSpec("Run aws-actions/configure-aws-credentials@v6", 2, ("Assuming role with OIDC",)),
        StepSpec("Run aws-actions/amazon-ecr-login@v2", 2, ("Logged in to the ECR registry",)),
        *extra,
    ]


def _python(extra: list[StepSpec]) -> list[StepSpec]:
    return [StepSpec("Run actions/setup-python@v6", 6, ("Successfully set up CPython (3.12.10)",)),
            StepSpec("Install", 20, ("Successfully installed ghaecr-console",)), *extra]


def _notify() -> JobSpec:
    return _job("Notify / Slack / Discord", [StepSpec("Send the notification", 2, ("notified",))], when="always")


def ci(targets: tuple[str, ...], sha: str, *, test_fails: bool = False) -> RunSpec:
    failing = (
        "tests/test_checkout.py::test_cart_total FAILED",
        "    assert cart.total() == Decimal('41.90')",
        "E   AssertionError: assert Decimal('41.80') == Decimal('41.90')",
        "tests/test_checkout.py:88: AssertionError",
        "=========== 1 failed, 212 passed in 41.27s ===========",
    )
    checks = (
        _job("Lint (imports, bytecode)", _python([
            StepSpec("Import layers (import-linter)", 4, ("Contracts: 2 kept, 0 broken.",)),
            StepSpec("Byte-compile", 3, ("Listing 'console'...",)),
        ])),
        _job("Tests", _python([
            StepSpec("Test (everything but the workflow checks)", 45,
                     ("pytest -q",) + (failing if test_fails else ("=========== 213 passed in 40.91s ===========",))),
        ]), fails_on="Test (everything but the workflow checks)" if test_fails else None),
        _job("Workflow checks (zizmor, schema, shellcheck, hadolint, scripts on a local ECR)", _python([
            StepSpec("Workflow and deploy-script tests", 30, ("zizmor --offline .github: No findings", "48 passed")),
        ])),
        _job("Security scan (secrets, dependencies)", [
            StepSpec("Trivy (secrets, vulnerable dependencies, misconfigurations)", 18, ("Total: 0 (HIGH: 0, CRITICAL: 0)",)),
        ]),
    )
    builds = tuple(_job(f"Build ({t})", [
        StepSpec("Run docker/setup-buildx-action@v3", 5, ("Using buildx driver docker-container",)),
        StepSpec(f"Build the {t} target to an archive", 70, (f"#12 exporting to oci image format ({sha[:12]}-{t})", "#12 DONE 4.2s")),
        StepSpec("Run actions/upload-artifact@v4", 6, (f"Artifact image-{t} uploaded",)),
    ]) for t in targets)
    image_tests = tuple(_job(f"Test image ({t})", [
        StepSpec("Load the artifact", 4, (f"Loaded image: ghaecr-console:{t}",)),
        StepSpec("Smoke-test the artifact", 8, ("ghaecr-console --help: ok",)),
    ]) for t in targets)
    return RunSpec((checks, builds, image_tests, (_ci_summary(test_fails),)))


def _ci_summary(test_fails: bool) -> JobSpec:
    """ci-summary.sh: a table of every gate's result; fails when one failed (the Tests gate is the
    only one the sandbox fails; the builds after it are then skipped, as their `needs` make them)."""
    results = {"lint": "success", "test": "failure" if test_fails else "success", "workflows": "success",
               "security": "success", "build": "skipped" if test_fails else "success",
               "test-image": "skipped" if test_fails else "success"}
    table = tuple(f"| {job} | {result} |" for job, result in results.items())
    verdict = ("##[error]CI failed: test",) if test_fails else ()
    return _job("CI summary", [StepSpec("Summarise", 1, ("| job | result |", "|---|---|", *table, *verdict))],
                when="always", fails_on="Summarise" if test_fails else None)


def _smoke(name: str, env: str, fails: bool) -> StepSpec:
    url = f"GET https://{env}.shop.example.com/healthz"
    if fails:
        return StepSpec(name, 20, (url, "503 Service Unavailable (attempt 3 of 3)",
                                   "##[error]Smoke test failed: /healthz answered 503 three times"))
    return StepSpec(name, 20, (url, "200 OK"))


def cd_staging(targets: tuple[str, ...], sha: str) -> RunSpec:
    staging = tuple(_job(f"Staging ({t})", [
        StepSpec("Download the image CI built for this commit", 8, (f"Artifact image-{t} downloaded",)),
        *_aws([
            StepSpec("Push by digest (sha-<commit>-<target>)", 12, (), action=f"push_image:{t}"),
            _smoke("Smoke-test the pushed digest", "staging", False),
            StepSpec("Move staging-<target>", 3, (), action=f"move_staging:{t}"),
            StepSpec("Record that staging tested this digest", 1, (f"staging/{t}: success",)),
        ]),
    ], environment="staging", target=t) for t in targets)
    return RunSpec((staging, (_notify(),)))


def cd_release(targets: tuple[str, ...], version: str, *, smoke_fails: bool = False) -> RunSpec:
    smoke = "Smoke-test the promoted digest"
    production = tuple(_job(f"Production ({t})", [
        StepSpec("Resolve the tagged commit", 1, ()),
        StepSpec("Check that staging tested this commit", 2, (), action=f"resolve:{t}"),
        *_aws([
            StepSpec("Promote the staged digest (retag, no rebuild)", 6, (), action=f"promote:{t}"),
            _smoke(smoke, "production", smoke_fails),
            StepSpec("Roll this target back to previous-<target>", 5, (), action=f"auto_rollback:{t}",
                     when=f"failure:{smoke}"),
            StepSpec("Release-notes line for this target", 1, (f"- {t}: {version}",)),
        ]),
    ], environment="production", fails_on=smoke if smoke_fails else None, target=t) for t in targets)
    notes = _job("Release notes", [StepSpec("Publish the release", 3, (f"Release {version} published",))])
    cleanup = _job("Cleanup old images", _aws([
        StepSpec("Delete images beyond the newest releases (never latest-/previous-/staging-)", 6, (), action="cleanup"),
    ]), environment="production", deployment=False)
    return RunSpec((production, (notes, cleanup), (_notify(),)))


def security(*, fails: bool = False) -> RunSpec:
    found = ("openssl (CVE-2026-0113) HIGH fixed in 3.0.16-1", "Total: 1 (HIGH: 1, CRITICAL: 0)",
             "##[error]1 HIGH vulnerability found in the runtime image")
    image = _job("Build the image to scan", [StepSpec("Build the runtime target", 60, ("#12 DONE 3.9s",))])
    scans = (
        _job("Secrets (Trivy, TruffleHog)", [StepSpec("Trivy secret scan", 12, ("Total: 0",)),
                                             StepSpec("TruffleHog (verified and unknown secrets, whole history)", 20, ("found 0",))]),
        _job("IaC (Trivy, Checkov)", [StepSpec("Checkov (Dockerfile, GitHub Actions)", 15, ("Passed checks: 61, Failed checks: 0",))]),
    )
    vulns = _job("Vulnerabilities (Trivy, Grype)", [
        StepSpec("Trivy image scan", 25, found if fails else ("Total: 0 (HIGH: 0, CRITICAL: 0)",)),
    ], fails_on="Trivy image scan" if fails else None)
    sbom = _job("SBOM (SPDX)", [StepSpec("Syft SBOM of the runtime image", 14, ("wrote sbom.spdx.json",))])
    report = _job("Open or update the findings issue", [StepSpec("Open, update or close the issue", 3, ())], when="always")
    return RunSpec(((image, *scans), (vulns, sbom), (report,)))


# --- run names (the workflows' `run-name`) --------------------------------------------------------


def staging_title(ci_title: str) -> str:
    return f"Staging {ci_title}"


def release_title(version: str) -> str:
    return f"Production {version}"


def dispatch_title(inputs: dict[str, str]) -> str:
    """cd.yml's own `run-name` for a dispatch with ``inputs`` (``rollback api [req-1]: 5xx``): the
    console finds its run by ``[request_id]`` and reads a rollback's reason from it."""
    cd = load("cd.yml")
    declared = dict.fromkeys(cd.inputs, "")  # GitHub gives every declared input, empty by default
    return str(interpolate(cd.run_name, {"github": {"event_name": "workflow_dispatch"}, "inputs": declared | inputs}))


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
