"""One run: its jobs, the steps of the highlighted job with durations, and a job's log on demand.

Live while the run goes on: every POLL_SECONDS its jobs are read again (one conditional request) and
the tables change in place (the cursor stays where it is); between reads the durations of running
jobs and steps tick every second from their start. GitHub serves a job's log only once the job has
finished, so the log panel says so for a running job and loads the log by itself when the job on
screen (highlighted, or the one l / Enter asked for) finishes."""

from __future__ import annotations

import asyncio
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static

from console.actions.render import cell
from console.errors import NotFound
from console.model import Job, Step, WorkflowRun
from console.model.format import ago, span
from console.model.text import plain
from console.model.unique import newest_by_id
from console.ui.format import HEADER_ICON, run_label, run_status, status_text
from console.ui.keys import RUN, bindings_for
from console.ui.messages import JobsLoaded, LogLoaded
from console.ui.refresh import FAST_SECONDS
from console.ui.typed import console_of
from console.ui.widgets.columns import Col
from console.ui.widgets.footer import KeyFooter
from console.ui.widgets.log_view import LogView
from console.ui.widgets.status_bar import StatusBar
from console.ui.widgets.tables import replace_rows, row_table, selected_key, update_rows

LOG_HINT = "Log: select a job and press Enter or l"
LOG_TRIES, LOG_RETRY_SECONDS = 4, 2.0  # a log loaded by itself, asked again while GitHub answers 404
RUNNING_LOG = ("GitHub serves a job's log once the job has finished: it appears here by itself then. "
               "o opens the live log on github.com.")


def took(item: Job | Step, now: datetime) -> str:
    """How long a job or step took, or (still running) how long it has been running."""
    if item.started_at is not None and item.completed_at is None and item.status != "completed":
        return span(now - item.started_at)
    return span(item.duration)


class RunDetailScreen(Screen):
    BINDINGS = bindings_for(RUN)
    POLL_SECONDS = FAST_SECONDS  # how often a live run's jobs are read again

    def __init__(self, run: WorkflowRun) -> None:
        super().__init__()
        self.run = run
        self.jobs: dict[str, Job] = {}
        self._timer: Timer | None = None
        self._steps_of: str | None = None  # the job whose steps the steps table shows
        self._steps_failed = False  # ... and whether one of them had failed
        self._log_for: str | None = None  # the job the log panel is about
        self._log_state = "hint"  # hint | running (waits for the job to finish) | loading | loaded

    def compose(self) -> ComposeResult:
        yield Header(icon=HEADER_ICON)
        yield Static(id="run-summary")
        with Horizontal(id="run-body"):
            jobs = row_table(Col("Job", 12, 9, grow=True), Col("Status", 9, 8), Col("Took", 6, 6), id="jobs")
            jobs.border_title = "Jobs (loading…)"
            yield jobs
            steps = row_table(Col("#", 2, 9), Col("Step", 12, 8, grow=True), Col("Status", 9, 7), Col("Took", 6, 6),
                              id="steps")
            steps.border_title = "Steps"
            yield steps
        with Vertical(id="log-panel"):
            yield Input(placeholder="search the log; Enter: next match, n / N later", id="log-search",
                        classes="filter")
            log = LogView(id="log")
            log.border_title = LOG_HINT
            yield log
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._summarize()
        self.query_one("#jobs", DataTable).focus()
        self.load_jobs()
        self.set_interval(1.0, self._tick)

    def on_screen_resume(self) -> None:
        if self.jobs:  # back from a dialog (a re-run or a cancel may have changed the run): read it again
            self.load_jobs()

    # --- data ----------------------------------------------------------------------------------

    def load_jobs(self) -> None:
        self.run_worker(self._fetch_jobs(), name="jobs", group="run-detail", exclusive=True, exit_on_error=False)

    async def _fetch_jobs(self) -> None:
        github = console_of(self).backend.github
        run = await github.get_run(self.run.id)  # a conditional request: free while the run is unchanged
        # A job can come back twice (offset pagination while the run adds jobs): the freshest copy.
        jobs = newest_by_id(await github.list_jobs(self.run.id), key=lambda j: j.id,
                            fresher=lambda j: (j.status == "completed", sum(s.status == "completed" for s in j.steps)))
        self.run = run
        self.post_message(JobsLoaded(run.id, jobs))

    def on_jobs_loaded(self, message: JobsLoaded) -> None:
        before, self.jobs = self.jobs, {str(j.id): j for j in message.jobs}
        self._summarize()
        table = self.query_one("#jobs", DataTable)
        self._draw_jobs()
        table.border_title = f"Jobs ({len(message.jobs)})"
        failed = next((i for i, j in enumerate(message.jobs) if j.conclusion == "failure"), None)
        if not before and failed is not None:
            table.move_cursor(row=failed, animate=False)  # the failed job first
        self._show_steps()
        self._follow_log({key for key, job in self.jobs.items()
                          if job.status == "completed" and key in before and before[key].status != "completed"})
        self._follow_run()

    def _follow_run(self) -> None:
        """Read the jobs again in POLL_SECONDS while the run goes on (a frozen test app holds its timers)."""
        if self._timer is not None:
            self._timer.stop()
        live = self.run.is_active and console_of(self).polls
        self._timer = self.set_timer(self.POLL_SECONDS, self._poll) if live else None

    def _poll(self) -> None:
        if self.is_current:
            self.load_jobs()
        else:
            self._timer = self.set_timer(self.POLL_SECONDS, self._poll)

    def _tick(self) -> None:
        """Durations of what is still running, every second between two reads (no request)."""
        if self.is_current and self.run.is_active:
            self._summarize()
            self._draw_jobs()
            self._show_steps()

    def on_worker_failed(self, reason: str) -> None:
        """Called by the app's error router for this screen's workers."""
        self.query_one("#jobs", DataTable).border_title = "Jobs (could not load)"
        self.query_one("#run-summary", Static).update(cell(f"⚠ {reason}", "bold red"))
        self._follow_run()  # a blip does not end following a live run

    def _summarize(self) -> None:
        run, now = self.run, console_of(self).now()
        took_ = span(now - (run.run_started_at or run.created_at)) if run.is_active else span(run.duration)
        summary = Text.assemble((f"{run_label(run)} ", "bold"), run_status(run),
                                f" · {run.head_branch or '-'} · {run.event} · {run.actor} · "
                                f"{ago(run.run_started_at or run.created_at, now)} · {took_}\n",
                                (run.display_title, "italic"))
        self.query_one("#run-summary", Static).update(cell(summary))
        self.sub_title = plain(f"{run_label(run)} · {console_of(self).settings.repo}")

    def _draw_jobs(self) -> None:
        now = console_of(self).now()
        update_rows(self.query_one("#jobs", DataTable),
                    ((key, (j.name, status_text(j.conclusion or j.status), took(j, now))) for key, j in self.jobs.items()))

    def selected_job(self) -> Job | None:
        return self.jobs.get(selected_key(self.query_one("#jobs", DataTable)) or "")

    @on(DataTable.RowHighlighted, "#jobs")
    def _show_steps(self) -> None:
        job = self.selected_job()
        table = self.query_one("#steps", DataTable)
        steps = job.steps if job else ()
        now = console_of(self).now()
        rows = ((str(s.number), (str(s.number), s.name, status_text(s.conclusion or s.status), took(s, now)))
                for s in steps)
        key = str(job.id) if job else None
        other_job, showed_failure = key != self._steps_of, self._steps_failed
        (replace_rows if other_job else update_rows)(table, rows)
        self._steps_of, self._steps_failed = key, bool(job and job.failed_step)
        table.border_title = cell(f"Steps of {job.name}") if job else "Steps"
        if job and job.failed_step and (other_job or not showed_failure):  # the cursor goes to a failure once
            table.move_cursor(row=steps.index(job.failed_step), animate=False)
        if other_job and job and self._log_state in ("hint", "running"):
            self._await_log(job) if job.status != "completed" else self._log_hint()

    # --- the log: on demand, or by itself when the job on screen finishes -------------------------

    @on(DataTable.RowSelected, "#jobs")
    def action_load_log(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        if job.status != "completed":
            self._await_log(job)
            console_of(self).say(f"{job.name} has not finished: GitHub serves its log once it has; it loads "
                                 "here then (o opens the live log on github.com).")
            return
        self._fetch(job, focus=True)

    def _fetch(self, job: Job, *, focus: bool) -> None:
        self._log_for, self._log_state = str(job.id), "loading"
        log = self.query_one("#log", LogView)
        log.border_title = cell(f"Log of {job.name} (loading…)")
        self.run_worker(self._fetch_log(job, focus), name="log", group="run-log", exclusive=True,
                        exit_on_error=False)

    def _await_log(self, job: Job) -> None:
        """A running job: no log to ask GitHub for yet; say so where it will appear."""
        self._log_for, self._log_state = str(job.id), "running"
        log = self.query_one("#log", LogView)
        log.set_text(RUNNING_LOG)
        state = job.status.replace("_", " ")
        log.border_title = cell(f"Log of {job.name}: {state} · it appears when the job finishes · "
                                "o opens it on github.com")

    def _log_hint(self) -> None:
        self._log_for, self._log_state = None, "hint"
        log = self.query_one("#log", LogView)
        log.set_text("")
        log.border_title = LOG_HINT

    def _follow_log(self, finished: set[str]) -> None:
        """A job that just finished loads its log if it is the one on screen: highlighted, or waited for."""
        highlighted = selected_key(self.query_one("#jobs", DataTable))
        for key in (self._log_for if self._log_state == "running" else None, highlighted):
            if key in finished:
                self._fetch(self.jobs[key], focus=False)  # the cursor stays on the jobs
                return

    async def _fetch_log(self, job: Job, focus: bool) -> None:
        github = console_of(self).backend.github
        for attempt in range(LOG_TRIES):
            try:
                text = await github.job_log(job.id)
                break
            except NotFound:
                if focus or attempt == LOG_TRIES - 1:
                    raise
                await asyncio.sleep(LOG_RETRY_SECONDS)  # a job that has just finished: its log may lag a moment
        self.post_message(LogLoaded(job.id, text, focus))

    def on_log_loaded(self, message: LogLoaded) -> None:
        job = next((j for j in self.jobs.values() if j.id == message.job_id), None)
        log = self.query_one("#log", LogView)
        failed = job.failed_step if job else None
        log.set_text(message.text, failed.name if failed else None)
        self._log_state = "loaded"
        where = f" · opened at failed step '{failed.name}' (e)" if failed else ""
        log.border_title = cell(f"Log of {job.name if job else message.job_id} · {len(log.lines)} lines{where}")
        if message.focus:
            log.focus()

    # --- log search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one("#log-panel").add_class("-searching")
        self.query_one("#log-search", Input).focus()

    @on(Input.Changed, "#log-search")
    def _search(self, event: Input.Changed) -> None:
        log = self.query_one("#log", LogView)
        log.search(event.value)
        self._count_matches()

    @on(Input.Submitted, "#log-search")
    def _search_next(self) -> None:
        """Enter leaves the query (so n and N move between matches, as in less and vim) at the first match."""
        log = self.query_one("#log", LogView)
        log.focus()
        self.action_next_match(1)

    def _count_matches(self) -> None:
        log = self.query_one("#log", LogView)
        count = len(log.matches)
        if not log.term:
            log.border_subtitle = ""
        elif log.match_index < 0:
            log.border_subtitle = f"{count} match{'es' if count != 1 else ''}"
        else:
            log.border_subtitle = f"{log.match_index + 1}/{count}"

    def action_next_match(self, step: int) -> None:
        log = self.query_one("#log", LogView)
        if not log.term:
            console_of(self).say("n / N go to the next / previous match: search the log first with /.")
        elif log.next_match(step) is None:
            console_of(self).say(f"'{log.term}' is not in this log.")
        self._count_matches()

    def action_failure(self) -> None:
        log = self.query_one("#log", LogView)
        if not log.lines:
            console_of(self).say("e jumps to the failed step of a log: load one first (l or Enter on a job).")
        elif log.marked is None:
            console_of(self).say("This log has no failed step.")
        else:
            log.jump(log.marked)
            log.focus()

    def action_back(self) -> None:
        search = self.query_one("#log-search", Input)
        if search.has_focus:
            self.query_one("#log", LogView).focus()
            return
        self.dismiss()
