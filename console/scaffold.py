"""`init`'s files: the bundled workflows and scripts (package data — a link to the repository's own
`.github/`, so there is one source of truth), parameterised for another repository, plus a Dockerfile
stub and the setup steps. Pure text in, text out; console/commands/init_cmd.py writes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BUNDLED = Path(__file__).resolve().parent / "bundled_github"  # -> ../.github (package data in a wheel)
OUR_DOCKERFILE = Path(__file__).resolve().parent / "bundled_dockerfile"  # -> ../Dockerfile (its base image)
OUR_TARGETS = ("minimal", "runtime")
OUR_ENVIRONMENTS = ("staging", "production")
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
BASE_IMAGE = re.compile(r"^FROM (\S+@sha256:[0-9a-f]{64})", re.M)


@dataclass(frozen=True)
class Params:
    targets: tuple[str, ...] = OUR_TARGETS
    environments: tuple[str, str] = OUR_ENVIRONMENTS  # (staging, production)
    ecr_repository: str = ""
    region: str = ""
    ghes: bool = False  # GitHub Enterprise Server: `./` instead of the `$/` self-repository form


def bundled_files() -> Iterator[tuple[str, str]]:
    """(path in the repository, text) of every bundled file, workflows and scripts alike."""
    for path in sorted(BUNDLED.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield f".github/{path.relative_to(BUNDLED).as_posix()}", path.read_text(encoding="utf-8")


def render(path: str, text: str, params: Params) -> str:
    """One bundled file for another repository: its targets, its environment names, its GitHub."""
    if not path.startswith(".github/workflows/"):
        return text
    targets = params.targets
    text = text.replace(f"[{', '.join(OUR_TARGETS)}]", f"[{', '.join(targets)}]")
    text = text.replace(",".join(OUR_TARGETS), ",".join(targets))
    for ours, theirs in zip(OUR_ENVIRONMENTS, params.environments):
        if ours != theirs:  # only `environment:` blocks' names (and `environment: X`), never other words
            text = re.sub(rf"(^\s*environment:\s*\n\s*name:\s*){ours}\s*$", rf"\g<1>{theirs}", text, flags=re.M)
            text = re.sub(rf"(^\s*environment:\s*){ours}\s*$", rf"\g<1>{theirs}", text, flags=re.M)
    if params.ghes:
        text = text.replace("uses: $/", "uses: ./")
    return text


def dockerfile(params: Params, base_image: str) -> str:
    stages = "\n".join(
        f"FROM base AS {t}\n# TODO: build the `{t}` image here (CI builds it with --target {t}).\n"
        f"USER 10001\nCMD [\"true\"]\n" for t in params.targets
    )
    return (
        "# syntax=docker/dockerfile:1\n"
        f"# One stage per deploy target ({', '.join(params.targets)}): CI's matrix builds each with --target,\n"
        "# CD promotes the exact digest staging tested. The base image is pinned by digest, written literally\n"
        "# so Dependabot's docker ecosystem can keep it current.\n"
        f"FROM {base_image} AS base\n"
        "RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin app\n\n"
        f"{stages}"
    )


def base_image(our_dockerfile: str) -> str:
    found = BASE_IMAGE.search(our_dockerfile)
    return found[1] if found else "python:3.11-slim"


def setup_steps(params: Params) -> str:
    staging, production = params.environments
    repo = params.ecr_repository or "<ECR repository>"
    region = params.region or "<AWS region>"
    return f"""# Setting up the ghaecr-console workflows

Written by `ghaecr-console init` (targets: {', '.join(params.targets)}). The full guide is the
ghaecr-console README ("The bundled workflows"); these are the steps for this repository.

1. Repository variables: `gh variable set ECR_REPOSITORY --body {repo}`,
   `gh variable set AWS_REGION --body {region}` and `AWS_READ_ROLE_ARN` (the read-only role of the
   release preflight and the weekly scan). Recommended: a separate production repository,
   `gh variable set PRODUCTION_REPOSITORY --body <name>` (and `PRODUCTION_REGISTRY_ID` when it lives
   in another account): the staging role then cannot move production's tags.
2. Environments (Settings → Environments), each with the variable `AWS_ROLE_ARN` of its role:
   `{staging}` (deployment branch `main`), `{production}` (required reviewers; deployment refs `main`
   and tags `v*`) and `cleanup` (no reviewers, a delete-only role; deployment refs `main` and `v*`).
   On GitHub Free, Pro and Team, required reviewers apply to public repositories only.
3. Each ECR repository: immutable tags with exclusions for `latest-*`, `previous-*`, `staging-*`;
   a lifecycle policy for untagged images only. Push release tags one at a time (GitHub creates no
   push events for more than three tags pushed at once).
4. `ci.yml`'s lint and test jobs run ghaecr-console's own checks: replace them with your project's.
   Each Dockerfile stage named after a target is built and promoted as is.
5. Check everything with `ghaecr-console doctor`.
"""


def plan(params: Params) -> list[tuple[str, str]]:
    """Every file init writes: (path, text)."""
    files = [(path, render(path, text, params)) for path, text in bundled_files()]
    files.append(("Dockerfile", dockerfile(params, base_image(OUR_DOCKERFILE.read_text(encoding="utf-8")))))
    files.append((".github/GHAECR-SETUP.md", setup_steps(params)))
    return files
