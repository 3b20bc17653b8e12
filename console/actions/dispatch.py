"""Dispatch the bundled CD workflow's operations, refuse while another run of the operation is
active (from any machine), and find the run a dispatch created."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from console.actions.guard import AlreadyRunning, NotPermitted
from console.actions.progress import Progress, ProgressFn
from console.config import Settings
from console.errors import ActionError, ConsoleError, PermissionDenied

FIND_RUN_TIMEOUT = 60.0


@dataclass(frozen=True)
class Dispatched:
    run_id: int
    html_url: str
    request_id: str


def new_request_id() -> str:
    return "gc-" + uuid.uuid4().hex[:12]


def cd_inputs(operation: str, reason: str, *, targets: str = "", to_version: str = "", digests: str = "") -> dict[str, str]:
    """cd.yml's workflow_dispatch inputs (request_id is added by :func:`dispatch_cd`)."""
    return {"operation": operation, "targets": targets, "to_version": to_version, "digests": digests,
            "reason": reason or f"{operation} from ghaecr-console"}


async def _active_runs(github, settings: Settings, operation: str) -> list:
    """Active dispatched runs of ``operation``, oldest first. cd.yml names them
    ``<operation> <targets|images> [<request_id>]``, so this sees runs started by another console,
    another machine or by hand from the Actions tab."""
    try:
        recent = await github.recent_dispatches(settings.workflows.cd)
    except PermissionDenied as exc:  # cannot tell whether one runs: do not start another blind
        raise NotPermitted.from_denial(exc) from exc
    active = [r for r in recent if r.is_active and (r.display_title or "").startswith(f"{operation} ")]
    return sorted(active, key=lambda r: r.id)  # run ids grow: the first is the one that got there first


def _named(run, workflow: str) -> str:
    where = f" ({run.html_url})" if run.html_url else ""
    return f"{run.name or workflow} run #{run.run_number}{where} started by {run.actor or 'someone'}"


async def refuse_if_active(github, settings: Settings, operation: str) -> None:
    """Raise AlreadyRunning when a dispatched run of ``operation`` is still active on GitHub."""
    active = await _active_runs(github, settings, operation)
    if active:
        run = active[0]
        raise AlreadyRunning(
            f"A {operation} is already {run.status.replace('_', ' ')}: {_named(run, settings.workflows.cd)}; "
            "follow it (ghaecr-console shows it in Runs) or wait for it to end before starting another — nothing was changed."
        )


async def yield_to_earlier(github, settings: Settings, operation: str, dispatched: Dispatched) -> None:
    """Two consoles that checked at the same moment both dispatch: the later run cancels itself
    before it can act (dispatched jobs start after a runner is assigned, or wait for review)."""
    earlier = [r for r in await _active_runs(github, settings, operation) if r.id < dispatched.run_id]
    if not earlier:
        return
    first = earlier[0]
    try:
        await github.cancel_run(dispatched.run_id)
    except ConsoleError as exc:
        raise ActionError(
            f"Another {operation} ({_named(first, settings.workflows.cd)}) started at the same moment and run "
            f"{dispatched.run_id} could not be cancelled ({exc}); cancel it now at {dispatched.html_url or 'the Actions tab'}."
        ) from exc
    raise AlreadyRunning(
        f"Another {operation} started at the same moment: {_named(first, settings.workflows.cd)}; this one "
        f"(run {dispatched.run_id}) was cancelled before it ran — follow that one (ghaecr-console shows it in Runs)."
    )


async def dispatch_cd(
    github, settings: Settings, inputs: dict[str, str], report: ProgressFn, *, request_id: str | None = None
) -> Dispatched:
    """Dispatch cd.yml with ``inputs`` plus a fresh ``request_id``; return the created run."""
    request_id = request_id or new_request_id()
    workflow = settings.workflows.cd
    full = {**inputs, "request_id": request_id}
    report(Progress("dispatch", f"dispatching {workflow} operation={inputs.get('operation')} on {settings.dispatch_ref} [{request_id}]"))
    try:
        result = await github.dispatch(workflow, settings.dispatch_ref, full)
    except PermissionDenied as exc:  # the token lacks a permission: a refusal, nothing started
        raise NotPermitted.from_denial(exc) from exc
    except ConsoleError as exc:
        raise ActionError(f"GitHub refused to start {workflow} ({exc}); nothing was changed.") from exc
    run_id, url = result.run_id, result.html_url
    if run_id is None:  # servers without return_run_details: find the run by its request id
        run = await find_run(github, workflow, request_id)
        run_id, url = run.id, run.html_url
    report(Progress("dispatch", f"started run {run_id} {url or ''}".rstrip()))
    return Dispatched(run_id=run_id, html_url=url or "", request_id=request_id)


async def find_run(github, workflow: str, request_id: str, timeout: float = FIND_RUN_TIMEOUT):
    """The workflow_dispatch run whose title carries ``[request_id]`` (it may take a moment to appear)."""
    run = await github.find_dispatched(workflow, request_id, timeout=timeout)
    if run is None:
        raise ActionError(
            f"Dispatched {workflow} but found no run titled [{request_id}] after {int(timeout)}s; check the Actions tab."
        )
    return run
