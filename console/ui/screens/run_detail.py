"""One run: its jobs, the steps of the highlighted job with durations, and a job's log on demand."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Static

from console.actions.render import cell
from console.model import Job, WorkflowRun
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
from console.ui.widgets.tables import replace_rows, row_table, selected_key


class RunDetailScreen(Screen):
    BINDINGS = bindings_for(RUN)

    def __init__(self, run: WorkflowRun) -> None:
        super().__init__()
        self.run = run
        self.jobs: dict[str, Job] = {}
        self._timer = None

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
            log.border_title = "Log: select a job and press Enter or l"
            yield log
        yield StatusBar(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._summarize()
        self.query_one("#jobs", DataTable).focus()
        self.load_jobs()

    # --- data ----------------------------------------------------------------------------------

    def load_jobs(self) -> None:
        self.run_worker(self._fetch_jobs(), name="jobs", group="run-detail", exit_on_error=False)

    async def _fetch_jobs(self) -> None:
        github = console_of(self).backend.github
        run = await github.get_run(self.run.id) if self.run.is_active else self.run
        # A job can come back twice (offset pagination while the run adds jobs): the freshest copy.
        jobs = newest_by_id(await github.list_jobs(self.run.id), key=lambda j: j.id,
                            fresher=lambda j: (j.status == "completed", sum(s.status == "completed" for s in j.steps)))
        self.run = run
        self.post_message(JobsLoaded(run.id, jobs))

    def on_jobs_loaded(self, message: JobsLoaded) -> None:
        self._summarize()
        first_load = not self.jobs
        self.jobs = {str(j.id): j for j in message.jobs}
        table = self.query_one("#jobs", DataTable)
        replace_rows(table, ((str(j.id), (j.name, status_text(j.conclusion or j.status), span(j.duration)))
                             for j in message.jobs))
        table.border_title = f"Jobs ({len(message.jobs)})"
        failed = next((i for i, j in enumerate(message.jobs) if j.conclusion == "failure"), None)
        if first_load and failed is not None:
            table.move_cursor(row=failed, animate=False)  # the failed job first
        self._show_steps()
        if self.run.is_active:  # follow a live run; the app's timer keeps the lists fresh
            self._timer = self.set_timer(FAST_SECONDS, self._poll)

    def _poll(self) -> None:
        if self.is_current:
            self.load_jobs()
        else:
            self._timer = self.set_timer(FAST_SECONDS, self._poll)

    def on_worker_failed(self, reason: str) -> None:
        """Called by the app's error router for this screen's workers."""
        self.query_one("#jobs", DataTable).border_title = "Jobs (could not load)"
        self.query_one("#run-summary", Static).update(cell(f"⚠ {reason}", "bold red"))

    def _summarize(self) -> None:
        run, now = self.run, console_of(self).now()
        took = span(now - (run.run_started_at or run.created_at)) if run.is_active else span(run.duration)
        summary = Text.assemble((f"{run_label(run)} ", "bold"), run_status(run),
                                f" · {run.head_branch or '-'} · {run.event} · {run.actor} · "
                                f"{ago(run.run_started_at or run.created_at, now)} · {took}\n",
                                (run.display_title, "italic"))
        self.query_one("#run-summary", Static).update(cell(summary))
        self.sub_title = plain(f"{run_label(run)} · {console_of(self).settings.repo}")

    def selected_job(self) -> Job | None:
        return self.jobs.get(selected_key(self.query_one("#jobs", DataTable)) or "")

    @on(DataTable.RowHighlighted, "#jobs")
    def _show_steps(self) -> None:
        job = self.selected_job()
        table = self.query_one("#steps", DataTable)
        steps = job.steps if job else ()
        replace_rows(table, ((str(s.number), (str(s.number), s.name, status_text(s.conclusion or s.status),
                                               span(s.duration))) for s in steps))
        table.border_title = cell(f"Steps of {job.name}") if job else "Steps"
        if job and job.failed_step:
            table.move_cursor(row=steps.index(job.failed_step), animate=False)

    @on(DataTable.RowSelected, "#jobs")
    def action_load_log(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        log = self.query_one("#log", LogView)
        log.border_title = cell(f"Log of {job.name} (loading…)")
        self.run_worker(self._fetch_log(job), name="log", group="run-log", exclusive=True, exit_on_error=False)

    async def _fetch_log(self, job: Job) -> None:
        text = await console_of(self).backend.github.job_log(job.id)
        self.post_message(LogLoaded(job.id, text))

    def on_log_loaded(self, message: LogLoaded) -> None:
        job = next((j for j in self.jobs.values() if j.id == message.job_id), None)
        log = self.query_one("#log", LogView)
        failed = job.failed_step if job else None
        log.set_text(message.text, failed.name if failed else None)
        where = f" · opened at failed step '{failed.name}' (e)" if failed else ""
        log.border_title = cell(f"Log of {job.name if job else message.job_id} · {len(log.lines)} lines{where}")
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
