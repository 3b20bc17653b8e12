"""Single flight across machines: while a dispatched run of the operation is active on GitHub (from
another console, another machine, or the Actions tab), the CLI refuses before dispatching."""

from __future__ import annotations

import json

import httpx
import pytest

from console.actions.dispatch import cd_inputs
from console.cli import main
from tests.actions.helpers import dispatches, ecr_digests, ecr_tags


def dispatch_elsewhere(sb, inputs: dict[str, str]) -> int:
    """Another machine's dispatch: straight to the API, not through this process's guard."""
    response = httpx.post(
        f"{sb.github_url}/repos/{sb.repo}/actions/workflows/cd.yml/dispatches",
        headers={"authorization": f"Bearer {sb.token}"},
        json={"ref": "main", "inputs": inputs, "return_run_details": True},
    )
    response.raise_for_status()
    return response.json()["workflow_run_id"]


def run_list_requests(sb) -> int:
    with sb.state.lock:
        return sum(1 for r in sb.state.requests if r.method == "GET" and r.path.endswith("/actions/workflows/cd.yml/runs"))


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("operation, argv", [
    ("rollback", ["rollback", "minimal", "--yes"]),
    ("prune", ["prune", "--keep", "2", "--yes"]),
])
def test_a_second_operation_while_the_first_run_is_active_is_refused(sandbox_factory, capsys, operation, argv):
    sb = sandbox_factory(gate_dispatch=True)  # the first run waits for a reviewer: it stays active
    sb.state.environments["cleanup"].reviewers.append(sb.user)  # prune's environment (cd.yml), protected here
    if operation == "rollback":
        inputs = cd_inputs("rollback", "first machine", targets="runtime")
    else:
        inputs = cd_inputs("prune", "first machine", digests="sha256:" + "0" * 64)
    first = dispatch_elsewhere(sb, {**inputs, "request_id": "gc-elsewhere1"})
    sb.wait_run(first, "waiting")
    run = sb.run(first)
    tags, digests, lists = ecr_tags(sb), ecr_digests(sb), run_list_requests(sb)
    capsys.readouterr()

    assert main(argv) == 1

    line = one_line(capsys.readouterr().err)
    assert f"A {operation} is already waiting" in line
    assert f"run #{run.run_number}" in line and f"/actions/runs/{first}" in line and f"started by {run.actor}" in line
    assert "ghaecr-console shows it in Runs" in line and "nothing was changed" in line
    assert dispatches(sb) == 1  # only the first machine's
    assert ecr_tags(sb) == tags and ecr_digests(sb) == digests
    assert run_list_requests(sb) - lists == 1  # one (conditional) list request

    assert main(["audit", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["action"], record["outcome"]) == (operation, "refused")
    assert f"#{run.run_number}" in record["error"] and record["run_id"] is None


def test_a_finished_run_of_the_operation_does_not_block(sandbox, capsys):
    first = dispatch_elsewhere(sandbox, {**cd_inputs("rollback", "first", targets="runtime"), "request_id": "gc-elsewhere2"})
    sandbox.wait_run(first)
    tags = ecr_tags(sandbox)

    assert main(["rollback", "minimal", "--yes"]) == 0

    assert dispatches(sandbox) == 2
    assert ecr_tags(sandbox)["latest-minimal"] == tags["previous-minimal"]


def test_two_machines_that_check_at_the_same_moment_leave_one_run(sandbox_factory, capsys, monkeypatch):
    """The other machine's dispatch lands between this console's check and its dispatch: the later
    run (this one) cancels itself before it acts; the earlier one goes on."""
    from console.services.github import GitHubService

    sb = sandbox_factory(gate_dispatch=True)
    real = GitHubService.recent_dispatches
    other: list[int] = []

    async def check_then_race(self, workflow):
        runs = await real(self, workflow)
        if not other:  # right after this console's check passed
            other.append(dispatch_elsewhere(sb, {**cd_inputs("rollback", "other", targets="runtime"),
                                                 "request_id": "gc-racer0001"}))
        return runs

    monkeypatch.setattr(GitHubService, "recent_dispatches", check_then_race)
    tags = ecr_tags(sb)
    capsys.readouterr()

    assert main(["rollback", "minimal", "--yes"]) == 1

    line = one_line(capsys.readouterr().err)
    first = sb.run(other[0])
    assert "Another rollback started at the same moment" in line and f"run #{first.run_number}" in line
    assert "was cancelled before it ran" in line
    ours = next(r for r in sb.state.runs.values() if r.event == "workflow_dispatch" and r.id != first.id)
    assert (ours.status, ours.conclusion) == ("completed", "cancelled")
    assert sb.run(first.id).status in ("queued", "in_progress", "waiting")  # the earlier one goes on
    assert ecr_tags(sb) == tags
    assert main(["audit", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)[0]
    assert (record["outcome"], record["run_id"]) == ("refused", ours.id)


@pytest.mark.parametrize("cancel_answer", ["answered", "lost"])
async def test_two_machines_dispatching_while_new_runs_are_hidden_for_6_s_leave_one_run(sandbox_factory, cancel_answer):
    """Each machine: its own GitHub client, the single-flight check, the dispatch, the check for an
    earlier run (what carry_out does, without this process's in-memory guard, which another machine
    would not share). Both check before either dispatches; new runs stay out of the list for 6 s.
    ``lost``: the later run's cancel is carried out and then answered 502."""
    import asyncio

    from console.actions.dispatch import dispatch_cd, refuse_if_active, yield_to_earlier
    from console.actions.guard import AlreadyRunning
    from console.services.backend import Backend

    # Slower simulated time than the other tests: 6 simulated seconds are 0.2 s of wall time, far longer
    # than both machines need to dispatch and look (so neither can see the other's run too early).
    sb = sandbox_factory(gate_dispatch=True, speed=30)  # the runs wait for a production reviewer: nothing moves
    sb.faults.runs_list_delay_s = 6
    sb.faults.write_then_5xx = {"cancel"} if cancel_answer == "lost" else set()
    settings = sb.settings()
    both_checked = asyncio.Barrier(2)
    backends = [Backend.from_settings(settings, ecr_endpoint_url=sb.ecr_endpoint_url, clock=sb.clock) for _ in range(2)]
    tags = ecr_tags(sb)

    async def machine(backend, name):
        await refuse_if_active(backend.github, settings, "rollback")
        await both_checked.wait()
        inputs = cd_inputs("rollback", name, targets="minimal")
        dispatched = await dispatch_cd(backend.github, settings, inputs, lambda p: None)
        await yield_to_earlier(backend.github, settings, "rollback", dispatched, lambda p: None)
        return dispatched.run_id

    try:
        outcomes = await asyncio.gather(*(machine(b, f"machine {i}") for i, b in enumerate(backends)),
                                        return_exceptions=True)
    finally:
        for backend in backends:
            await backend.aclose()

    assert dispatches(sb) == 2  # both got past the check: the race really happened
    going = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, AlreadyRunning)]
    assert len(going) == 1 and len(refused) == 1, outcomes
    runs = {r.id: r for r in sb.state.runs.values() if r.event == "workflow_dispatch"}
    (cancelled,) = [r for r in runs.values() if r.conclusion == "cancelled"]
    assert cancelled.id > going[0] and runs[going[0]].status in ("queued", "in_progress", "waiting")
    assert "was cancelled before it ran" in str(refused[0])
    assert ecr_tags(sb) == tags
