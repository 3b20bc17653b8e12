"""Hostile text for the "text is data" tests: strings a contributor controls (a PR title, a commit
message, a workflow, job or step name, a branch, a login, a log line) that would be markup or
terminal escapes if the console obeyed them."""

from __future__ import annotations

from console.sandbox import state as sandbox_state

LINK = "[link=https://evil.example/x]x[/link]"
OSC8 = "\x1b]8;;https://evil.example/osc\x07y\x1b]8;;\x07"
CLEAR = "\x1b[2J"
RUN_NAME = "CD [/]"
# Every kind at once: an unbalanced close, a closing tag, a markup link, an OSC 8 link, a screen
# clear, a carriage return that would overwrite the line, an unterminated open tag.
HOSTILE = f"[/ {LINK} {OSC8} {CLEAR}\rZ [bold"
LOCAL_USER = "ops[/]"
SEEN = ("[/", LINK, "[bold")  # what must show literally
NEVER = ("\x1b", "\r", "evil.example/osc\x07")  # what must never reach the terminal


def make_hostile(sb, monkeypatch) -> None:
    """Put hostile text everywhere the GitHub stand-in serves contributor-controlled strings."""
    monkeypatch.setitem(sandbox_state.WORKFLOWS, "cd.yml", (sandbox_state.WORKFLOWS["cd.yml"][0], RUN_NAME))
    with sb.state.lock:
        for run in sb.state.runs.values():
            run.display_title = "PR " + HOSTILE
            run.actor = "eve" + HOSTILE
            run.head_branch = "br" + HOSTILE
        for commit in sb.state.commits:
            commit.message = "msg " + HOSTILE
        for job in sb.state.jobs.values():
            job.name = "job " + HOSTILE
            for step in job.steps:
                step.name = "step " + HOSTILE
                step.output = [*step.output, "log " + HOSTILE]


def assert_shown_literally(text: str) -> None:
    for seen in SEEN:
        assert seen in text, f"{seen!r} is not shown"
    for never in NEVER:
        assert never not in text, f"{never!r} reached the output"
