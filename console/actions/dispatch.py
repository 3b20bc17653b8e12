"""Dispatch the bundled CD workflow's operations and find the run they created."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from console.actions.progress import Progress, ProgressFn
from console.config import Settings
from console.errors import ActionError, ConsoleError

FIND_RUN_TIMEOUT = 60.0


@dataclass(frozen=True)
class Dispatched:
    run_id: int
    html_url: str
    request_id: str


def new_request_id() -> str:
    return "gc-" + uuid.uuid4().hex[:12]


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
    deadline = time.monotonic() + timeout
    marker = f"[{request_id}]"
    while True:
        runs = await github.list_runs(workflow, per_page=20, event="workflow_dispatch")
        for run in runs:
            if marker in (run.display_title or ""):
                return run
        if time.monotonic() > deadline:
            raise ActionError(
                f"Dispatched {workflow} but found no run titled {marker} after {int(timeout)}s; check the Actions tab."
            )
        await asyncio.sleep(1.0)
