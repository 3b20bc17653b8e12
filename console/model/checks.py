"""`doctor`'s checks as pure judgements: each takes what was read and returns one line — ✓ / ⚠ / ✗ with
the fix. The reading (GitHub, AWS, the terminal) is in console/services/doctor.py."""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

OK, WARN, FAIL = "ok", "warn", "fail"
MARK = {OK: "✓", WARN: "⚠", FAIL: "✗"}
POINTER_PATTERNS = ("latest-*", "previous-*", "staging-*")
# What the console sends with a workflow_dispatch of cd.yml (console/actions/dispatch.py).
DISPATCH_INPUTS = ("operation", "targets", "to_version", "digests", "request_id", "reason")
DISPATCH_OPERATIONS = ("rollback", "prune")


@dataclass(frozen=True)
class RepositoryAccess:
    private: bool
    default_branch: str
    can_push: bool  # actions:write is not visible to a token; push access is the nearest sign
    scopes: tuple[str, ...] | None  # a classic token's scopes; None for fine-grained and app tokens


@dataclass(frozen=True)
class Check:
    area: str  # github | workflows | environments | aws | ecr | terminal
    name: str
    status: str  # ok | warn | fail
    detail: str
    fix: str = ""

    def line(self) -> str:
        fix = f" — {self.fix}" if self.fix and self.status != OK else ""
        return f"{MARK[self.status]} {self.name}: {self.detail}{fix}"

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def exit_code(checks: Iterable[Check]) -> int:
    """0 when nothing failed (warnings are advice), else 1."""
    return 1 if any(c.status == FAIL for c in checks) else 0


def tag_mutability(repository: str, mutability: str, exclusions: Iterable[str],
                   pointers: tuple[str, ...] = POINTER_PATTERNS) -> Check:
    """Release and build tags must be immutable, the pointer tags this repository holds must move."""
    name = f"ECR tag mutability of {repository}"
    excluded = tuple(exclusions)
    if mutability == "MUTABLE":
        return Check("ecr", name, WARN, "MUTABLE: a release or build tag (v1.4.0-<t>, sha-…) can be moved after it was tested",
                     "set IMMUTABLE_WITH_EXCLUSION with exclusions latest-*, previous-*, staging-* (README, ECR repository)")
    missing = [p for p in pointers if not any(fnmatch.fnmatchcase(p.replace("*", "x"), e) for e in excluded)]
    if missing:
        return Check("ecr", name, FAIL,
                     f"{mutability} without exclusions for {', '.join(missing)}: promotion and rollback cannot move them",
                     f"add exclusion filters {', '.join(pointers)} (aws ecr put-image-tag-mutability)")
    return Check("ecr", name, OK, f"{mutability}, pointer tags excluded ({', '.join(pointers)})")


def lifecycle_policy(repository: str, policy_text: str | None) -> Check:
    """A lifecycle rule may expire only untagged images: ECR would otherwise delete what production runs
    or a release a rollback needs, behind the console's protection rules."""
    name = f"ECR lifecycle policy of {repository}"
    if policy_text is None:
        return Check("ecr", name, OK, "none (cleanup and prune keep what the tag contract protects)")
    try:
        rules = json.loads(policy_text).get("rules") or []
    except (ValueError, AttributeError):
        return Check("ecr", name, WARN, "not readable as JSON", "check it in the ECR console")
    risky = [r for r in rules if isinstance(r, dict) and _may_expire_protected(r.get("selection") or {})]
    if risky:
        which = ", ".join(str(r.get("rulePriority", "?")) for r in risky)
        return Check("ecr", name, FAIL, f"rule(s) {which} can expire tagged images (latest-*, previous-*, staging-* or releases)",
                     "limit lifecycle rules to tagStatus untagged; prune and cleanup handle tagged images safely")
    return Check("ecr", name, OK, f"{len(rules)} rule(s), untagged images only")


def _may_expire_protected(selection: Mapping[str, Any]) -> bool:
    status = selection.get("tagStatus")
    if status == "untagged":
        return False
    if status == "any":
        return True
    patterns = [*(p + "*" for p in selection.get("tagPrefixList") or ()), *(selection.get("tagPatternList") or ())]
    samples = ("latest-runtime", "previous-runtime", "staging-runtime", "v1.2.3-runtime")
    return not patterns or any(fnmatch.fnmatchcase(s, p) for s in samples for p in patterns)


def dispatch_inputs(workflow: str, document: Mapping[Any, Any] | None) -> Check:
    """cd.yml must accept what the console sends, and want nothing it does not send."""
    name = f"{workflow} dispatch inputs"
    if document is None:
        return Check("workflows", name, FAIL, f"{workflow} is not in the default branch",
                     "add the bundled workflows (.github/workflows) to the repository's default branch")
    triggers = document.get("on", document.get(True)) or {}  # YAML 1.1 reads a bare `on` as True
    dispatch = triggers.get("workflow_dispatch") if isinstance(triggers, dict) else None
    inputs = (dispatch or {}).get("inputs") if isinstance(dispatch, dict) else None
    if not isinstance(inputs, dict):
        return Check("workflows", name, FAIL, "no workflow_dispatch inputs: rollback and prune cannot be dispatched",
                     "use the bundled cd.yml")
    missing = [i for i in DISPATCH_INPUTS if i not in inputs]
    extra = [k for k, v in inputs.items() if k not in DISPATCH_INPUTS and isinstance(v, dict) and v.get("required")
             and "default" not in v]
    options = (inputs.get("operation") or {}).get("options") or DISPATCH_OPERATIONS
    lacking = [o for o in DISPATCH_OPERATIONS if o not in options]
    if missing or extra or lacking:
        parts = [f"missing {', '.join(missing)}" if missing else "", f"requires {', '.join(extra)}" if extra else "",
                 f"operation lacks {', '.join(lacking)}" if lacking else ""]
        return Check("workflows", name, FAIL, "; ".join(p for p in parts if p) + " (the console sends "
                     + ", ".join(DISPATCH_INPUTS) + ")", "update cd.yml to the bundled version")
    return Check("workflows", name, OK, "accepts " + ", ".join(DISPATCH_INPUTS))


def production_gate(environment: str, reviewers: int, private: bool, branch_policy: str | None) -> list[Check]:
    """The production environment's protection: who must approve, and which refs may deploy."""
    checks = []
    if reviewers == 0:
        checks.append(Check("environments", f"{environment} reviewers", FAIL, "no required reviewers: a v* tag deploys without approval",
                            f"add required reviewers to the {environment} environment (Settings → Environments)"))
    elif private:
        checks.append(Check("environments", f"{environment} reviewers", WARN,
                            f"{reviewers} required reviewer(s), but the repository is private: on GitHub Free, Pro and Team "
                            "plans required reviewers apply only to public repositories, so there may be no approval gate",
                            "use GitHub Enterprise (or a public repository) for an enforced approval"))
    else:
        checks.append(Check("environments", f"{environment} reviewers", OK, f"{reviewers} required reviewer(s)"))
    if branch_policy is None:
        checks.append(Check("environments", f"{environment} deployment refs", WARN, "any branch or tag may deploy",
                            "limit deployment branches and tags to main and v*"))
    else:
        checks.append(Check("environments", f"{environment} deployment refs", OK, branch_policy))
    return checks


def terminal(columns: int, lines: int, is_tty: bool, colours: str) -> Check:
    if not is_tty:
        return Check("terminal", "terminal", OK, "not a terminal (the CLI's --json and plain output work; the console needs one)")
    if columns < 80 or lines < 24:
        return Check("terminal", "terminal", WARN, f"{columns}×{lines}: the console needs at least 80×24", "enlarge the window")
    return Check("terminal", "terminal", OK, f"{columns}×{lines}, {colours}")
