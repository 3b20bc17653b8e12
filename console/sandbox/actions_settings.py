"""Actions variables and secrets in the GitHub stand-in: the repository's, those its organization shares
(none here), and each environment's — GitHub's list endpoints, paginated, secrets by name only. Seeded
as the README's setup says, so `doctor` finds every variable the bundled workflows read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from console.sandbox.clock import iso
from console.sandbox.github_routes import Handler, gh_state, repo_route
from console.sandbox.http_features import Reply, endpoint, not_found, paginate
from console.sandbox.state import GitHubState

ACCOUNT = "123456789012"  # moto's default account


def seed(st: GitHubState, *, region: str, ecr_repository: str, production_repository: str | None) -> None:
    """Repository variables (ECR_REPOSITORY, AWS_REGION, AWS_READ_ROLE_ARN, the production repository in
    the two-repository layout) and one role per environment (AWS_ROLE_ARN)."""
    repo = st.repo
    st.variables = {"ECR_REPOSITORY": ecr_repository, "AWS_REGION": region,
                    "AWS_READ_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/{repo}-read"}
    if production_repository:
        st.variables["PRODUCTION_REPOSITORY"] = production_repository
    st.secrets = {"SLACK_WEBHOOK_URL"}
    for name, environment in st.environments.items():
        environment.variables = {"AWS_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/{repo}-{name}"}


def _listing(request: Request, kind: str, values: Mapping[str, str] | set[str]) -> Reply:
    st = gh_state(request)
    at = iso(st.created_at) if st.created_at else None
    items: list[dict[str, Any]] = [
        {"name": name, **({"value": values[name]} if isinstance(values, Mapping) else {}), "created_at": at, "updated_at": at}
        for name in sorted(values)
    ]
    page, headers = paginate(request, items)
    return Reply(200, {"total_count": len(items), kind: page}, headers)


def _scope(kind: str, scope: str) -> Handler:
    """The list endpoint of ``kind`` (variables, secrets) for one scope (repository, organization, environment)."""
    @repo_route
    async def listing(request: Request) -> Reply:
        st = gh_state(request)
        if scope == "organization":
            return _listing(request, kind, {} if kind == "variables" else set())
        if scope == "repository":
            return _listing(request, kind, st.variables if kind == "variables" else st.secrets)
        environment = st.environments.get(request.path_params["name"])
        if environment is None:
            return not_found()
        return _listing(request, kind, environment.variables if kind == "variables" else environment.secrets)

    return listing


def routes(repository_path: str) -> list[Route]:
    paths = {"repository": "/actions/{kind}", "organization": "/actions/organization-{kind}",
             "environment": "/environments/{{name}}/{kind}"}
    return [Route(repository_path + path.format(kind=kind), endpoint(_scope(kind, scope), kind=kind))
            for kind in ("variables", "secrets") for scope, path in paths.items()]
