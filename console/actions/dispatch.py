"""Dispatch the bundled CD workflow's operations once, refuse while another run of the operation is
active (from any machine), and find the run a dispatch created.

Every dispatch carries a ``request_id`` input and cd.yml puts it in the run's title, so the run can
be found without dispatching again: after an ambiguous answer (a 5xx, a timeout, a dropped
connection) the console looks for the run with its request id and carries on with it.

Single flight across machines: a new run can be missing from the runs list for a few seconds, so
two consoles that check at the same moment may both dispatch. After dispatching, each waits until
the list shows its own run (the dispatch-visibility delay, measured rather than guessed: GitHub lists
runs in the order they were created, so a run dispatched before ours is listed by then too), then
the later run (higher id) cancels itself before it acts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from console.actions.guard import AlreadyRunning, NotPermitted
from console.actions.patience import Patience, clock_of
from console.actions.progress import Progress, ProgressFn, silent
from console.config import Settings
from console.errors import ActionError, ConsoleError, GitHubError, OutcomeUnknown, PermissionDenied, UncertainWrite
from console.model import WorkflowRun
from console.services.github_parse import dispatched_run
from console.services.ports import GitHubPort

FIND_RUN_TIMEOUT = 60.0  # seconds a dispatched run may take to be listed
LIST_POLL = 2.0


@dataclass(frozen=True)
class Dispatched:
    run_id: int
    html_url: str
    request_id: str
    at: float = 0.0  # the GitHub service's clock when the dispatch was answered


def new_request_id() -> str:
    return "gc-" + uuid.uuid4().hex[:12]


def cd_inputs(operation: str, reason: str, *, targets: str = "", to_version: str = "", digests: str = "") -> dict[str, str]:
    """cd.yml's workflow_dispatch inputs (request_id is added by :func:`dispatch_cd`)."""
    return {"operation": operation, "targets": targets, "to_version": to_version, "digests": digests,
            "reason": reason or f"{operation} from ghaecr-console"}


async def _active_runs(github: GitHubPort, settings: Settings, operation: str) -> list[WorkflowRun]:
    """Active dispatched runs of ``operation``, oldest first (see :func:`_active`)."""
    try:
        recent = await github.recent_dispatches(settings.workflows.cd)
    except PermissionDenied as exc:  # cannot tell whether one runs: do not start another blind
        raise NotPermitted.from_denial(exc) from exc
    return _active(recent, operation)


def _active(recent: list[WorkflowRun], operation: str) -> list[WorkflowRun]:
    """cd.yml names dispatched runs ``<operation> <targets|images> [<request_id>]``, so this sees
    runs started by another console, another machine or by hand from the Actions tab."""
    active = [r for r in recent if r.is_active and (r.display_title or "").startswith(f"{operation} ")]
    return sorted(active, key=lambda r: r.id)  # run ids grow: the first is the one that got there first


def _named(run: WorkflowRun, workflow: str) -> str:
    where = f" ({run.html_url})" if run.html_url else ""
    return f"{run.name or workflow} run #{run.run_number}{where} started by {run.actor or 'someone'}"


async def refuse_if_active(github: GitHubPort, settings: Settings, operation: str) -> None:
    """Raise AlreadyRunning when a dispatched run of ``operation`` is still active on GitHub."""
    active = await _active_runs(github, settings, operation)
    if active:
        run = active[0]
        raise AlreadyRunning(
            f"A {operation} is already {run.status.replace('_', ' ')}: {_named(run, settings.workflows.cd)}; "
            "follow it (ghaecr-console shows it in Runs) or wait for it to end before starting another — nothing was changed."
        )


async def yield_to_earlier(
    github: GitHubPort, settings: Settings, operation: str, dispatched: Dispatched, report: ProgressFn = silent
) -> None:
    """Two consoles that checked at the same moment both dispatch: the later run cancels itself
    before it can act (dispatched jobs start after a runner is assigned, or wait for review)."""
    recent = await _listed_with(github, settings.workflows.cd, dispatched, report)
    earlier = [r for r in _active(recent, operation) if r.id < dispatched.run_id]
    if not earlier:
        return
    first = earlier[0]
    try:
        await _cancel(github, dispatched.run_id, report)
    except ConsoleError as exc:
        raise ActionError(
            f"Another {operation} ({_named(first, settings.workflows.cd)}) started at the same moment and run "
            f"{dispatched.run_id} could not be cancelled ({exc}); cancel it now at {dispatched.html_url or 'the Actions tab'}."
        ) from exc
    raise AlreadyRunning(
        f"Another {operation} started at the same moment: {_named(first, settings.workflows.cd)}; this one "
        f"(run {dispatched.run_id}) was cancelled before it ran — follow that one (ghaecr-console shows it in Runs)."
    )


async def _cancel(github: GitHubPort, run_id: int, report: ProgressFn) -> None:
    """Cancel ``run_id``. Cancelling twice cancels once, so after an ambiguous answer it is asked
    again; a 409 for a run that is already cancelled means the first request did it."""
    for attempt in (1, 2):
        try:
            await github.cancel_run(run_id)
            return
        except UncertainWrite as exc:
            if attempt == 2:
                raise
            report(Progress("dispatch", f"{exc}; asking again (cancelling twice cancels once)"))
        except GitHubError:
            if (await github.get_run(run_id)).conclusion == "cancelled":
                return
            raise


async def _listed_with(github: GitHubPort, workflow: str, dispatched: Dispatched, report: ProgressFn) -> list[WorkflowRun]:
    """The newest dispatched runs, read once the list shows ours (so a run dispatched before ours
    is listed too); after FIND_RUN_TIMEOUT seconds, the last list read, with a warning."""
    clock = clock_of(github)
    patience = Patience(clock, report)
    lost = f"run {dispatched.run_id} was dispatched; check on GitHub that no other run of the operation started with it"
    told = False
    while True:
        recent = await patience.read(f"list the runs of {workflow}", lambda: github.recent_dispatches(workflow), lost=lost)
        ours = next((r for r in recent if r.id == dispatched.run_id), None)
        if ours is not None:  # its name and number from now on ("CD #39"), as GitHub shows it
            report(Progress("dispatch", f"GitHub lists run {ours.id} as {ours.name or workflow} #{ours.run_number}",
                            run=ours))
            return recent
        waited = clock.monotonic() - dispatched.at
        if waited >= FIND_RUN_TIMEOUT:
            report(Progress("dispatch", f"GitHub still does not list run {dispatched.run_id} after {int(waited)} s; "
                                        "going on without knowing whether another console dispatched at the same moment"))
            return recent
        if not told:
            report(Progress("dispatch", f"waiting for GitHub to list run {dispatched.run_id} (new runs can take a few "
                                        "seconds to appear) before checking that no other console dispatched with it"))
            told = True
        await clock.sleep(LIST_POLL)


async def dispatch_cd(
    github: GitHubPort, settings: Settings, inputs: dict[str, str], report: ProgressFn, *, request_id: str | None = None
) -> Dispatched:
    """Dispatch cd.yml with ``inputs`` plus ``request_id`` (a fresh one by default), once; return the
    created run. After an ambiguous answer the run is looked up by its request id, never dispatched
    again; OutcomeUnknown when it cannot be found."""
    request_id = request_id or new_request_id()
    workflow = settings.workflows.cd
    full = {**inputs, "request_id": request_id}
    report(Progress("dispatch", f"dispatching {workflow} operation={inputs.get('operation')} on {settings.dispatch_ref} [{request_id}]"))
    try:
        result = await github.dispatch(workflow, settings.dispatch_ref, full)
        run_id, url = result.run_id, result.html_url
    except PermissionDenied as exc:  # the token lacks a permission: a refusal, nothing started
        raise NotPermitted.from_denial(exc) from exc
    except UncertainWrite as exc:
        report(Progress("dispatch", f"{exc}; looking for run [{request_id}] instead of dispatching again"))
        run_id = url = None
    except ConsoleError as exc:
        raise ActionError(f"GitHub refused to start {workflow} ({exc}); nothing was changed.") from exc
    if run_id is None:  # an ambiguous answer, or a server without return_run_details
        run = await find_run(github, workflow, request_id, report)
        run_id, url = run.id, run.html_url
    report(Progress("dispatch", f"started run {run_id} {url or ''}".rstrip()))
    return Dispatched(run_id=run_id, html_url=url or "", request_id=request_id, at=clock_of(github).monotonic())


async def find_run(
    github: GitHubPort, workflow: str, request_id: str, report: ProgressFn = silent, timeout: float = FIND_RUN_TIMEOUT
) -> WorkflowRun:
    """The workflow_dispatch run whose title carries ``[request_id]`` (it may take a moment to appear,
    and the list may be briefly unreadable). OutcomeUnknown when none appears in ``timeout`` seconds."""
    clock = clock_of(github)
    patience = Patience(clock, report)
    lost = f"check the Actions tab for a run titled [{request_id}] before dispatching again"
    deadline = clock.monotonic() + timeout
    while True:
        recent = await patience.read(f"list the runs of {workflow}", lambda: github.recent_dispatches(workflow), lost=lost)
        run = dispatched_run(recent, request_id)
        if run is not None:
            return run
        if clock.monotonic() >= deadline:
            raise OutcomeUnknown(f"Dispatched {workflow} but found no run titled [{request_id}] after {int(timeout)}s; {lost}.")
        await clock.sleep(LIST_POLL)
