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


def parse(query: str) -> list[tuple[str | None, str]]:
    terms: list[tuple[str | None, str]] = []
    for word in query.lower().split():
        key, sep, value = word.partition(":")
        if sep and key in FIELDS and value:
            terms.append((FIELDS[key], value))
        else:
            terms.append((None, word))
    return terms


def matches(run: WorkflowRun, terms: list[tuple[str | None, str]]) -> bool:
    if not terms:
        return True
    fields = run_fields(run)
    everything = " ".join(fields.values())
    return all(value in (fields[key] if key else everything) for key, value in terms)
