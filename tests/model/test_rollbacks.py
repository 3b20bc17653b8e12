"""Rolled back, from GitHub data: a dispatch's title as cd.yml writes it, and the one line the
Overview and `status` show. (The whole sequence runs on the sandbox: tests/cli/test_rollback_context.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.model.rollbacks import RolledBack, parse_dispatch_title
from console.model.runs import WorkflowRun
from console.services.github_parse import dispatched_run

NOW = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("title", "parsed"), [
    ("rollback runtime [gc-1]: 5xx after v1.5.0", ("rollback", "runtime", "gc-1", "5xx after v1.5.0")),
    ("rollback a,b [gc-1]", ("rollback", "a,b", "gc-1", "")),
    ("prune images [gc-2]: cleanup", ("prune", "images", "gc-2", "cleanup")),
    ("rollback api [gc-3]: see [gc-4]: twice", ("rollback", "api", "gc-3", "see [gc-4]: twice")),
    ("rollback api [gc-5]: \x1b[31mred\nnext", ("rollback", "api", "gc-5", "␛[31mred␊next")),  # shown, never obeyed
    ("Production v1.5.0", None),
    ("Staging Fix cart [gc-1]", None),
])
def test_dispatch_titles_as_cd_yml_writes_them(title, parsed):
    found = parse_dispatch_title(title)
    assert (None if found is None else (found.operation, found.what, found.request_id, found.reason)) == parsed


def run(run_id: int, title: str) -> WorkflowRun:
    return WorkflowRun(run_id, "cd.yml", "CD", run_id, "workflow_dispatch", "completed", "success", "main", "c" * 40,
                       "octo", NOW, NOW, display_title=title)


def test_a_reason_quoting_another_request_id_never_passes_for_that_request():
    runs = [run(2, "rollback api [gc-1]: the same 5xx as [gc-2]"), run(1, "rollback api [gc-2]")]
    assert dispatched_run(runs, "gc-2").id == 1
    assert dispatched_run(runs, "gc-1").id == 2
    assert dispatched_run(runs, "gc-3") is None


def test_the_line_says_from_what_when_by_whom_and_why():
    today = RolledBack("runtime", "v1.5.0", datetime(2026, 11, 28, 14, 2, tzinfo=UTC), "octo", "5xx", 7)
    assert today.line(NOW) == "rolled back from v1.5.0 at 14:02 by octo: 5xx"
    earlier = RolledBack("runtime", None, datetime(2026, 11, 25, 9, 5, tzinfo=UTC), "", "", None)
    assert earlier.line(NOW) == "rolled back at Nov 25 09:05 by unknown"
