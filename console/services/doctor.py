"""`doctor`: read what the console and the bundled workflows need — GitHub token, repository, workflows,
environments; AWS identity, region, the ECR repository's settings — and judge each with
console/model/checks.py. Every failure becomes a ✗ line with its fix, never an exception, so one run
shows every problem at once instead of one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import yaml

from console.config import Settings
from console.errors import ConsoleError
from console.model import PRODUCTION
from console.model import checks as c
from console.model.checks import Check
from console.services.ecr import EcrService
from console.services.github import GitHubService
from console.services.registry import Registry


async def run_checks(settings: Settings, github: GitHubService | None, ecr: Registry, *, token_source: str) -> list[Check]:
    """Every check, GitHub's and AWS's concurrently; the order of the result is stable (GitHub first)."""
    github_part = _github_checks(settings, github, token_source) if github else _no_token()
    found = await asyncio.gather(github_part, _aws_checks(settings, ecr))
    return [check for group in found for check in group]


async def _no_token() -> list[Check]:
    return [Check("github", "GitHub token", c.FAIL, "none found",
                  "set GH_TOKEN (or GH_ENTERPRISE_TOKEN for an Enterprise host), or run `gh auth login`")]


async def _attempt(area: str, name: str, read: Callable[[], Awaitable[Any]]) -> tuple[Any, Check | None]:
    """Run one read; a ConsoleError becomes the ✗ line of that check (its message says what to do)."""
    try:
        return await read(), None
    except ConsoleError as exc:
        return None, Check(area, name, c.FAIL, exc.message)


async def _github_checks(settings: Settings, github: GitHubService, token_source: str) -> list[Check]:
    host = github.base_url
    login, failed = await _attempt("github", "GitHub token", github.current_user)
    if failed:
        return [failed]
    found = [Check("github", "GitHub token", c.OK, f"{login} on {host} (from {token_source})")]
    access, failed = await _attempt("github", f"repository {settings.repo}", github.repository_access)
    if failed:
        return [*found, failed]
    found.append(_access_check(settings.repo, access))
    found += await _workflow_checks(settings, github, access.default_branch)
    found += await _environment_checks(settings, github, access.private)
    return found


def _access_check(repo: str, access: c.RepositoryAccess) -> Check:
    visibility = "private" if access.private else "public"
    if access.scopes is not None and "repo" not in access.scopes and not ("public_repo" in access.scopes and not access.private):
        return Check("github", f"repository {repo}", c.FAIL, f"{visibility}; the classic token lacks the repo scope",
                     "create a token with the repo scope, or a fine-grained one with Actions: write, Deployments and "
                     "Environments: read, Contents: read")
    if not access.can_push:
        return Check("github", f"repository {repo}", c.WARN, f"{visibility}; read-only access: approve, rollback and prune "
                     "will be refused", "use a token with Actions: write (fine-grained) or write access to the repository")
    return Check("github", f"repository {repo}", c.OK, f"{visibility}, default branch {access.default_branch}, write access")


async def _workflow_checks(settings: Settings, github: GitHubService, branch: str) -> list[Check]:
    names = settings.workflows.all()
    texts = await asyncio.gather(*(_attempt("workflows", n, partial(github.file_text, f".github/workflows/{n}", branch))
                                   for n in names))
    found = []
    for name, (text, failed) in zip(names, texts):
        if failed:
            found.append(failed)
        elif text is None:
            found.append(Check("workflows", name, c.FAIL, f"not in .github/workflows on {branch}",
                               "add the bundled workflows to the default branch (README, The bundled workflows)"))
        elif name == settings.workflows.cd:
            found.append(c.dispatch_inputs(name, _yaml(text)))
        else:
            found.append(Check("workflows", name, c.OK, f"present on {branch}"))
    return found


def _yaml(text: str) -> dict[str, Any] | None:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return document if isinstance(document, dict) else {}


async def _environment_checks(settings: Settings, github: GitHubService, private: bool) -> list[Check]:
    found = []
    for name in settings.environments:
        protection, failed = await _attempt("environments", f"environment {name}", partial(github.environment_protection, name))
        if failed:
            found.append(failed)
        elif protection is None:
            found.append(Check("environments", f"environment {name}", c.FAIL, "does not exist",
                               f"create it (Settings → Environments → New environment: {name})"))
        elif name == PRODUCTION:
            environment, policy = protection
            found += c.production_gate(name, len(environment.reviewers), private, policy)
        else:
            found.append(Check("environments", f"environment {name}", c.OK, "exists"))
    return found


async def _aws_checks(settings: Settings, registry: Registry) -> list[Check]:
    identity, failed = await _attempt("aws", "AWS identity", registry.staging.caller_identity)
    if failed:
        return [failed]
    account, arn = identity
    found = [Check("aws", "AWS identity", c.OK, f"account {account}, {arn}")]
    if not registry.region:
        return [*found, Check("aws", "AWS region", c.FAIL, "none configured", "pass --region or set AWS_REGION")]
    found.append(Check("aws", "AWS region", c.OK, registry.region))
    if registry.split:
        found.append(Check("ecr", "layout", c.OK, f"two repositories: {registry.staging.repository} (builds, staging-*), "
                           f"{registry.production.repository} (releases, latest-*, previous-*)"))
        found += await _repository_checks(registry.staging, ("staging-*",))
        found += await _repository_checks(registry.production, ("latest-*", "previous-*"))
    else:
        # Supported for small teams; the risk is stated so that choosing it is a decision, not an accident.
        found.append(Check("ecr", "layout", c.OK, f"one repository ({registry.staging.repository}); the staging role can "
                           "move production's tags there — set production_repository to isolate production"))
        found += await _repository_checks(registry.staging, c.POINTER_PATTERNS)
    return found


async def _repository_checks(ecr: EcrService, pointers: tuple[str, ...]) -> list[Check]:
    name = ecr.repository
    repository, failed = await _attempt("ecr", f"ECR repository {name}", ecr.repository_settings)
    if failed:
        return [failed]
    found = [Check("ecr", f"ECR repository {name}", c.OK, "exists"),
             c.tag_mutability(name, repository.tag_mutability, repository.exclusions, pointers)]
    policy, failed = await _attempt("ecr", f"ECR lifecycle policy of {name}", ecr.lifecycle_policy)
    found.append(failed or c.lifecycle_policy(name, policy))
    return found
