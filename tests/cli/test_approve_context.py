"""`ghaecr-console approve RUN_ID` prints the same release context as the TUI's dialog (one model,
console/actions/render_approval.py): CI and staging of the tagged commit, the compare link, the
30-day deadline — and why you cannot approve, exiting 1 with nothing sent."""

from __future__ import annotations

from datetime import timedelta

from console.cli import main
from console.commands import operate as commands
from tests.actions.helpers import writes


def answer_enter(monkeypatch) -> None:
    """A terminal where the operator presses Enter at the question (Cancel, the default)."""
    async def ask(prompt: str) -> str:
        return ""

    monkeypatch.setattr(commands, "_is_tty", lambda: True)
    monkeypatch.setattr(commands, "_ask", ask)


def test_the_approve_preview_prints_ci_staging_compare_link_and_deadline(sandbox, capsys, monkeypatch):
    answer_enter(monkeypatch)
    run = sandbox.run(sandbox.pending_run_id)
    [ci] = [r for r in sandbox.runs_for(run.head_sha) if r.workflow == "ci.yml"]
    deadline = (run.run_started_at or run.created_at) + timedelta(days=30)
    assert main(["approve", str(run.id), "--comment", "ship v1.5.0"]) == 1
    captured = capsys.readouterr()
    out = " ".join(captured.out.split())  # the table and long lines wrap at the terminal's width
    assert f"CI: ✓ success (CI #{ci.run_number})" in out
    assert out.count("✓ tested") == len(sandbox.targets)
    assert "compare: https://github.com/acme/shop/compare/v1.4.0...v1.5.0" in out
    assert "30-day deadline: expires in 29d " in out and f"({deadline:%b} {deadline.day} {deadline:%H:%M} UTC)" in out
    assert "Cancelled" in captured.err and writes(sandbox) == []


def test_a_deployment_held_by_a_protection_rule_app_names_the_app(sandbox, capsys):
    sandbox.protect(reviewers=[], teams=[], apps=["release-guard"])
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship", "--yes"]) == 1
    captured = capsys.readouterr()
    assert "held by app: release-guard" in captured.out and "reviewers: -" not in captured.out
    assert "custom deployment protection rule of the GitHub App release-guard" in " ".join(captured.err.split())
    assert writes(sandbox) == []
