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
    assert f"un-ships (runtime): {len(between)} commits v1.3.0...v1.4.0" in out
    for commit in between:
        assert f"{commit.sha[:7]} {commit.message}" in out
    assert f"/{sandbox.repo}/compare/v1.3.0...v1.4.0" in out


def test_versions_github_cannot_compare_are_one_line_and_the_preview_goes_on(sandbox, capsys):
    with sandbox.state.lock:
        del sandbox.state.tags["v1.3.0"]  # the git tag was deleted on GitHub; ECR still has v1.3.0-runtime
    assert main(["rollback", "runtime", "--yes"]) == 0
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if line.startswith("un-ships")]
    assert line.startswith("un-ships (runtime): unknown, GitHub could not compare v1.3.0...v1.4.0: ")
    assert "Rolled back" in out
