"""Filter syntax for the runs view: free words match any field; ``key:value`` narrows one field.

    failure branch:main actor:octo workflow:cd
"""

from __future__ import annotations

from console.model import WorkflowRun

FIELDS = {
    "workflow": "workflow", "wf": "workflow",
    "branch": "branch", "tag": "branch", "ref": "branch",
    "status": "status", "is": "status",
    "actor": "actor", "by": "actor",
    "event": "event",
}


def run_fields(run: WorkflowRun) -> dict[str, str]:
    return {
        "workflow": f"{run.workflow} {run.name}".lower(),
        "branch": (run.head_branch or "").lower(),
        "status": f"{run.status} {run.conclusion or ''}".lower(),
        "actor": run.actor.lower(),
        "event": run.event.lower(),
        "text": f"{run.display_title} {run.run_number} {run.head_sha[:12]}".lower(),
    }


# The words people type for an outcome, as GitHub spells it (status:failed finds "failure").
STATUS_WORDS = {"failed": "failure", "fail": "failure", "failing": "failure", "passed": "success",
                "succeeded": "success", "ok": "success", "green": "success", "red": "failure",
                "running": "in_progress", "in-progress": "in_progress", "canceled": "cancelled",
                "timeout": "timed_out", "approval": "waiting"}


def parse(query: str) -> list[tuple[str | None, str]]:
    terms: list[tuple[str | None, str]] = []
    for word in query.lower().split():
        key, sep, value = word.partition(":")
        if sep and key in FIELDS and value:
            field = FIELDS[key]
            terms.append((field, STATUS_WORDS.get(value, value) if field == "status" else value))
        else:
            terms.append((None, word))
    return terms


def problem(query: str) -> str | None:
    """One sentence about a field the filter does not know (it would silently match nothing)."""
    for word in query.lower().split():
        key, sep, _ = word.partition(":")
        if sep and key and key not in FIELDS:
            return (f"No filter field '{key}:'; fields: workflow, branch, status, actor, event "
                    "(a word alone matches any of them).")
    return None


def matches(run: WorkflowRun, terms: list[tuple[str | None, str]]) -> bool:
    if not terms:
        return True
    fields = run_fields(run)
    everything = " ".join(fields.values())
    return all(value in (fields[key] if key else everything) for key, value in terms)
