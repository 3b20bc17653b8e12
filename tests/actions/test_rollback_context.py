"""Rollback context from the CLI on the sandbox: what a rollback un-ships (GitHub's compare of the
seeded history), and that production is rolled back (`status`, `status --json`) until the next release."""

from __future__ import annotations

from console.cli import main


def test_rollback_preview_lists_the_unshipped_commits_and_the_compare_link(sandbox, capsys):
    state = sandbox.state
    head, base = state.tags["v1.4.0"], state.tags["v1.3.0"]
    between = state.commits[state.commit_index(base) + 1: state.commit_index(head) + 1]
    assert main(["rollback", "runtime", "--yes", "--reason", "5xx"]) == 0
    out = capsys.readouterr().out
    print(out)
    assert f"un-ships (runtime): {len(between)} commits v1.3.0...v1.4.0" in out
    for commit in between:
        assert f"{commit.sha[:7]} {commit.message}" in out
    assert f"/{sandbox.repo}/compare/v1.3.0...v1.4.0" in out
