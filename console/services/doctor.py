"""`doctor`: read what the console and the bundled workflows need — GitHub token, repository, workflows,
the environments and the variables and secrets the workflows read (console/model/workflow_needs.py);
AWS identity, region, the ECR repository's settings — and judge each with
console/model/checks.py. Every failure becomes a ✗ line with its fix, never an exception, so one run
shows every problem at once instead of one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import yaml

from console.config import Settings
from console.errors import ConsoleError, NotFound
from console.model import PRODUCTION
from console.model import checks as c
from console.model.checks import Check
from console.model.workflow_needs import Listed, Use, judge, workflow_needs
from console.services.ecr import EcrService
from console.services.github import GitHubService
from console.services.registry import Registry


async def run_checks(settings: Settings, github: GitHubService | None, ecr: Registry, *, token_source: str) -> list[Check]:
    """Every check, GitHub's and AWS's concurrently; the order of the result is stable (GitHub first)."""
    github_part = _github_checks(settings, github, token_source) if github else _no_token()
    (github_found, settings_read), aws_found = await asyncio.gather(github_part, _aws_checks(settings, ecr))
    # The workflows' variables are judged once AWS was asked: the region boto3 chose is known only then.
    expected = {"ECR_REPOSITORY": settings.ecr_repository, "AWS_REGION": ecr.region,
                "PRODUCTION_REPOSITORY": settings.production_repository}
    return [*github_found, *(judge(use, listed, expected) for use, listed in settings_read), *aws_found]


async def _no_token() -> tuple[list[Check], list[tuple[Use, Listed]]]:
    return [Check("github", "GitHub token", c.FAIL, "none found",
                  "set GH_TOKEN (or GH_ENTERPRISE_TOKEN for an Enterprise host), or run `gh auth login`")], []


async def _attempt(area: str, name: str, read: Callable[[], Awaitable[Any]]) -> tuple[Any, Check | None]:
    """Run one read; a ConsoleError becomes the ✗ line of that check (its message says what to do)."""
    try:
        return await read(), None
    except ConsoleError as exc:
        return None, Check(area, name, c.FAIL, exc.message)


async def _github_checks(settings: Settings, github: GitHubService,
                         token_source: str) -> tuple[list[Check], list[tuple[Use, Listed]]]:
    """GitHub's lines, and each variable or secret the workflows read with what GitHub lists of its kind."""
    host = github.base_url
    login, failed = await _attempt("github", "GitHub token", github.current_user)
    if failed:
        return [failed], []
    found = [Check("github", "GitHub token", c.OK, f"{login} on {host} (from {token_source})")]
    access, failed = await _attempt("github", f"repository {settings.repo}", github.repository_access)
    if failed:
        return [*found, failed], []
    found.append(_access_check(settings.repo, access))
    workflow_lines, documents = await _workflow_checks(settings, github, access.default_branch)
    environments, uses = workflow_needs(documents)
    found += workflow_lines
    found += await _environment_checks(settings, github, access.private, environments)
    listed = {kind: await _listed(github, kind, environments) for kind in sorted({u.kind for u in uses})}
    return found, [(use, listed[use.kind]) for use in uses]


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


async def _workflow_checks(settings: Settings, github: GitHubService, branch: str) -> tuple[list[Check], dict[str, Any]]:
    """A line per workflow file, and the files that were there (parsed)."""
    names = settings.workflows.all()
    texts = await asyncio.gather(*(_attempt("workflows", n, partial(github.file_text, f".github/workflows/{n}", branch))
                                   for n in names))
    found, documents = [], {}
    for name, (text, failed) in zip(names, texts):
        if text is not None:
            documents[name] = _yaml(text)
        if failed:
            found.append(failed)
        elif text is None:
            found.append(Check("workflows", name, c.FAIL, f"not in .github/workflows on {branch}",
                               "add the bundled workflows to the default branch (README, The bundled workflows)"))
        elif name == settings.workflows.cd:
            found.append(c.dispatch_inputs(name, _yaml(text)))
        else:
            found.append(Check("workflows", name, c.OK, f"present on {branch}"))
    return found, documents


def _yaml(text: str) -> dict[str, Any] | None:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return document if isinstance(document, dict) else {}


async def _environment_checks(settings: Settings, github: GitHubService, private: bool,
                              deployed: tuple[str, ...]) -> list[Check]:
    """The console's environments and every one a workflow job deploys to (cd.yml's cleanup)."""
    found = []
    for name in dict.fromkeys([*settings.environments, *deployed]):
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


async def _listed(github: GitHubService, kind: str, environments: tuple[str, ...]) -> Listed:
    """What GitHub lists of one kind for the repository, its organization and each environment."""
    async def read(**where: Any) -> dict[str, str] | None:
        try:
            return await github.actions_settings(f"{kind}s", **where)
        except NotFound:  # a repository of a user (no organization), an environment that is not there
            return {}
        except ConsoleError:  # the token may not list them: the line says so
            return None

    repository, organization, *per_environment = await asyncio.gather(
        read(), read(organization=True), *(read(environment=e) for e in environments))
    return Listed(repository, organization, dict(zip(environments, per_environment)))


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
