"""The console's pure parts: poll timing, the runs filter, log navigation, text helpers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from console.model.format import ago, span
from console.model.format import human_size as size
from console.ui import filters
from console.ui.format import web_base
from console.ui.prepare import Preparer
from console.ui.refresh import FAST_SECONDS, may_skip_ecr, next_delay
from console.ui.widgets.log_view import clean, failure_line
from tests.ui import fakes


def test_polling_is_fast_while_busy_slow_when_idle_and_backs_off_after_failures():
    busy = fakes.snapshot()  # a CD run waits for approval
    idle = replace(busy, approvals=(), runs=tuple(r for r in busy.runs if not r.is_active))
    assert next_delay(idle, 30) == 30
    assert next_delay(busy, 30) == FAST_SECONDS
    assert next_delay(busy, 2) == 2  # never slower than the configured interval
    assert [next_delay(idle, 30, failures=n) for n in (1, 2, 3, 4, 5)] == [2, 4, 8, 16, 30]
    assert next_delay(idle, 30, failures=1, retry_after=120) == 120  # a rate limit says when


def test_runs_filter_words_and_fields():
    runs = fakes.snapshot().runs
    pick = lambda q: [r.id for r in runs if filters.matches(r, filters.parse(q))]  # noqa: E731
    assert pick("") == [r.id for r in runs]
    assert pick("status:failure") == [1041]
    assert pick("workflow:cd") == [1042, 1039]
    assert pick("branch:v1.6") == [1042]
    assert pick("login") == [1041]  # free words search titles too
    assert pick("workflow:cd status:success") == [1039]
    assert pick("actor:nobody") == []


def test_the_log_opens_at_the_failed_step_without_timestamps():
    lines = clean(fakes.LOG)
    assert not lines[0].startswith("2026-")
    at = failure_line(lines, "Run tests")
    assert lines[at] == "##[group]Run Run tests"
    assert failure_line(lines, None) == at  # no step name: the section holding the first error
    assert failure_line(["all good", "done"], None) is None


def test_preparer_reuses_an_unchanged_registry_and_redraws_a_changed_one():
    prepare = Preparer()
    snap = fakes.snapshot(image_count=6)
    overview = prepare(snap)
    assert overview.image_rows is None  # the overview does not wait for the table rows
    first = prepare.rows(overview)
    again = prepare(replace(snap, images=tuple(replace(i) for i in snap.images)))  # equal, new objects
    assert again is first and prepare.rows(again) is first
    pushed = fakes.images(7)
    changed = prepare(replace(snap, images=tuple(pushed)))
    assert changed is not first and changed.image_count == len(pushed)
    assert "previous-runtime" in first.rollback_to["runtime"].tags
    rows = [r for r in first.image_rows if not r.header]
    assert rows[0].group == "minimal" and "staging" in rows[0].cells[4].plain  # newest first, env shown


def test_text_helpers():
    now = fakes.NOW
    assert ago(now - timedelta(seconds=5), now) == "5s ago"
    assert ago(now - timedelta(hours=26), now) == "1d 2h ago"
    assert span(timedelta(minutes=3, seconds=7)) == "3m 07s"
    assert size(48_800_000) == "48.8 MB"
    assert web_base("https://api.github.com") == "https://github.com"
    assert web_base("https://ghe.example.com/api/v3/") == "https://ghe.example.com"


def test_fast_polls_while_only_an_approval_waits_may_reuse_the_ecr_listing():
    waiting = fakes.snapshot()  # a CD run waits for approval; nothing runs
    running = replace(waiting, runs=(fakes.run(1050, "cd.yml", "in_progress", None), *waiting.runs))
    assert may_skip_ecr(waiting, 5, 30)
    assert not may_skip_ecr(waiting, 31, 30)  # ECR is still listed once per refresh interval
    assert not may_skip_ecr(running, 5, 30)  # a running pipeline pushes and moves tags
    assert not may_skip_ecr(None, None, 30)
