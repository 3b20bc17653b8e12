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


async def refuse_if_active(github, settings: Settings, operation: str) -> None:
    """Raise AlreadyRunning when a dispatched run of ``operation`` is still active on GitHub.

    cd.yml names dispatched runs ``<operation> <targets|images> [<request_id>]``, so this sees runs
    started by another console, another machine or by hand from the Actions tab."""
    workflow = settings.workflows.cd
    try:
        recent = await github.recent_dispatches(workflow)
    except PermissionDenied as exc:  # cannot tell whether one runs: do not start another blind
        raise NotPermitted.from_denial(exc) from exc
    active = [r for r in recent if r.is_active and (r.display_title or "").startswith(f"{operation} ")]
    if not active:
        return
    run = min(active, key=lambda r: r.created_at)  # the one that got there first
    where = f" ({run.html_url})" if run.html_url else ""
    raise AlreadyRunning(
        f"A {operation} is already {run.status.replace('_', ' ')}: {run.name or workflow} run #{run.run_number}{where} "
        f"started by {run.actor or 'someone'}; follow it (ghaecr-console shows it in Runs) or wait for it to end "
        "before starting another — nothing was changed."
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
