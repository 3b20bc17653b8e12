"""What the workflows need from the repository's settings, read from the workflow files themselves:
the environments their jobs deploy to and every ``vars.NAME`` / ``secrets.NAME`` they read, with the
environment of each job that reads it — then judged (✓ / ⚠ / ✗ with the fix) against what GitHub lists
for the repository, its organization and each environment. Pure functions; doctor reads, this judges.

A job sees an environment's variables only when it names that environment; a job without one sees
the repository's and the organization's only. So ``AWS_READ_ROLE_ARN``, read by the preflight (no
environment), must be a repository variable, and ``AWS_ROLE_ARN`` belongs in each environment: one role
per environment is the point of having environments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from console.model.checks import FAIL, OK, WARN, Check
from console.model.text import one_line

VARIABLE, SECRET = "variable", "secret"
_REFERENCE = {VARIABLE: re.compile(r"(?<![\w.-])vars\.([A-Za-z_][A-Za-z0-9_]*)"),
              SECRET: re.compile(r"(?<![\w.-])secrets\.([A-Za-z_][A-Za-z0-9_]*)")}
# Read only when set (a `!= ''` guard, the two-repository layout, a deliberate older release).
OPTIONAL_VARIABLES = frozenset({"PRODUCTION_REPOSITORY", "PRODUCTION_REGISTRY_ID", "ALLOW_OLDER_RELEASE"})
BUILT_IN_SECRETS = frozenset({"GITHUB_TOKEN"})
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
WHERE = {VARIABLE: "Settings → Secrets and variables → Actions → Variables",
         SECRET: "Settings → Secrets and variables → Actions → Secrets"}


@dataclass(frozen=True)
class Use:
    """One variable or secret the workflows read, and the environment of every job that reads it
    (None: a job without an environment)."""

    kind: str  # variable | secret
    name: str
    environments: frozenset[str | None]
    workflows: tuple[str, ...]


@dataclass(frozen=True)
class Listed:
    """What GitHub lists of one kind: name -> value ("" for secrets: GitHub never returns one) per
    scope; None where the token could not read it."""

    repository: Mapping[str, str] | None
    organization: Mapping[str, str] | None
    environments: Mapping[str, Mapping[str, str] | None]

    def unreadable(self, environments: Iterable[str | None]) -> bool:
        scopes = [self.repository, self.organization, *(self.environments.get(e) for e in environments if e)]
        return any(scope is None for scope in scopes)

    def sources(self, name: str, environment: str | None) -> list[tuple[str, str]]:
        """Where a job in ``environment`` finds ``name``: (scope, value), the environment first (it wins)."""
        own = self.environments.get(environment) if environment else None
        scopes = [(f"environment {environment}", own), ("repository", self.repository), ("organization", self.organization)]
        return [(scope, values[name]) for scope, values in scopes if values is not None and name in values]


def workflow_needs(documents: Mapping[str, Mapping[Any, Any]]) -> tuple[tuple[str, ...], tuple[Use, ...]]:
    """(every environment a job deploys to, every variable and secret read) of the parsed workflows."""
    environments: dict[str, None] = {}
    uses: dict[tuple[str, str], tuple[set[str | None], list[str]]] = {}
    for workflow, document in documents.items():
        jobs = document.get("jobs")
        jobs = jobs if isinstance(jobs, dict) else {}
        shared = json.dumps({k: v for k, v in document.items() if k != "jobs"}, default=str)  # every job reads these
        for job in jobs.values():
            environment = _environment_of(job) if isinstance(job, dict) else None
            if environment:
                environments.setdefault(environment)
            text = shared + json.dumps(job, default=str)
            for kind, pattern in _REFERENCE.items():
                for name in dict.fromkeys(pattern.findall(text)):
                    if kind == SECRET and name in BUILT_IN_SECRETS:
                        continue
                    where, files = uses.setdefault((kind, name), (set(), []))
                    where.add(environment)
                    if workflow not in files:
                        files.append(workflow)
    found = tuple(Use(kind, name, frozenset(where), tuple(files)) for (kind, name), (where, files) in sorted(uses.items()))
    return tuple(environments), found


def _environment_of(job: Mapping[str, Any]) -> str | None:
    """The job's environment name; None without one or when an expression chooses it."""
    environment = job.get("environment")
    name = environment.get("name") if isinstance(environment, dict) else environment
    return name if isinstance(name, str) and "${{" not in name else None


def judge(use: Use, listed: Listed, expected: Mapping[str, str | None]) -> Check:
    """One line for one variable or secret: set where every job that reads it can see it, the role
    per environment, and the value the console itself uses (``expected``: name -> the console's)."""
    name, kind = use.name, use.kind
    label = f"{kind} {name}"
    required = kind == VARIABLE and (name not in OPTIONAL_VARIABLES or bool(expected.get(name)))
    seen = {environment: listed.sources(name, environment) for environment in use.environments}
    missing = sorted((e for e, sources in seen.items() if not sources), key=lambda e: (e is None, e or ""))
    if missing:
        if listed.unreadable(use.environments):
            return Check("settings", label, WARN, f"cannot tell: the token may not list {kind}s",
                         f"give the token {kind.capitalize()}s: read (fine-grained), or check {name} by hand ({WHERE[kind]})")
        if not required:
            return Check("settings", label, OK, "not set (optional" + (": that notification channel is skipped)"
                                                                        if kind == SECRET else ")"))
        return Check("settings", label, FAIL, f"not set for {_jobs_in(missing)} ({', '.join(use.workflows)})", _fix(use, missing))
    return _values(use, seen, expected)


def _values(use: Use, seen: Mapping[str | None, list[tuple[str, str]]], expected: Mapping[str, str | None]) -> Check:
    """Set everywhere it is read: now its value — a role ARN's shape and scope, the console's own setting."""
    name, label = use.name, f"{use.kind} {use.name}"
    chosen = {environment: sources[0] for environment, sources in seen.items()}  # the value a job gets
    where = ", ".join(sorted({scope for scope, _ in chosen.values()}))
    if use.kind == SECRET:
        return Check("settings", label, OK, f"set ({where})")
    bad = sorted({value for _, value in chosen.values() if name.endswith("ROLE_ARN") and not ROLE_ARN_RE.match(value)})
    if bad:
        return Check("settings", label, FAIL, f"{', '.join(repr(one_line(v, 100)) for v in bad)} is not an IAM role ARN ({where})",
                     f"set {name} to arn:aws:iam::<account>:role/<name>")
    deployed = sorted(e for e in chosen if e)
    if name.endswith("ROLE_ARN") and len(deployed) > 1:
        shared = [e for e in deployed if not chosen[e][0].startswith("environment")]
        if shared or len({chosen[e][1] for e in deployed}) < len(deployed):
            return Check("settings", label, WARN, f"{', '.join(deployed)} assume the same role ({where})",
                         f"set {name} in each environment to its own role (one role per environment: README, Setup)")
    if name == "ALLOW_OLDER_RELEASE" and any(value.lower() == "true" for _, value in chosen.values()):
        return Check("settings", label, WARN, f"true ({where}): a release older than production's is let through",
                     "remove it once the deliberate older release is out (README, A release)")
    want = expected.get(name)
    values = sorted({one_line(value, 100) for _, value in chosen.values()})
    if want and values != [want]:
        return Check("settings", label, WARN, f"{', '.join(values)} ({where}), but the console uses {want}",
                     f"make {name} and the console's setting name the same thing (`ghaecr-console config show`)")
    if len(deployed) > 1 and len(values) == len(deployed):
        return Check("settings", label, OK, f"its own in each of {', '.join(deployed)}")
    return Check("settings", label, OK, f"{', '.join(values)} ({where})")


def _jobs_in(environments: list[str | None]) -> str:
    return ", ".join("jobs without an environment" if e is None else f"environment {e}" for e in environments)


def _fix(use: Use, missing: list[str | None]) -> str:
    if None in missing:
        return f"add a repository {use.kind} {use.name} ({WHERE[use.kind]}): jobs without an environment see no environment's"
    environments = ", ".join(e for e in missing if e)
    return f"add {use.name} to environment {environments} (Settings → Environments → {environments} → {use.kind}s)"
