"""Approve a release, roll back ONE target, prune: each production target still names the deployment
that put its own digest there (version, digest, since, run, creator) — in `status --json`, on the
Overview and on the Environments screen. On the real sandbox over HTTP."""

from __future__ import annotations

import json
from datetime import datetime

from console.cli import main
from console.model.deployments import digest_in_url, run_in_url
from console.model.format import ago
from console.model.images import short_digest
from tests.actions.helpers import dispatched_runs, ecr_tags
from tests.ui.helpers import cells, loaded

TARGETS = ("minimal", "runtime")


def expected(sb, run_id: int, digest: str) -> dict:
    """Straight from the GitHub stand-in: the production deployment whose job (run_id) recorded digest."""
    with sb.state.lock:
        for dep in sb.state.deployments.values():
            named = [s for s in dep.statuses if digest_in_url(s.environment_url) == digest]
            if dep.environment == "production" and named and run_in_url(dep.statuses[0].log_url) == run_id:
                return {"since": named[0].created_at, "creator": dep.creator, "ref": dep.ref, "id": dep.id}
    raise AssertionError(f"no production deployment of {digest} by run {run_id}")


def dispatched(sb, operation: str) -> list:
    return [r for r in dispatched_runs(sb) if r.inputs.get("operation") == operation]


def status_json(capsys) -> dict:
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)["environments"]["production"]


def test_status_json_names_each_targets_own_deployment_after_approve_rollback_one_and_prune(sandbox, capsys,
                                                                                          monkeypatch):
    release_run = sandbox.pending_run_id
    assert main(["approve", str(release_run), "--comment", "ship v1.5.0", "--yes"]) == 0
    released = status_json(capsys)
    assert main(["rollback", "runtime", "--yes", "--reason", "runtime smoke red"]) == 0
    assert main(["prune", "--keep", "1", "--yes"]) == 0
    [rollback_run], [prune_run] = dispatched(sandbox, "rollback"), dispatched(sandbox, "prune")
    tags = ecr_tags(sandbox)
    prod = status_json(capsys)

    minimal, runtime = prod["minimal"], prod["runtime"]
    assert (minimal["version"], minimal["digest"]) == ("v1.5.0", tags["v1.5.0-minimal"])
    assert (runtime["version"], runtime["digest"]) == ("v1.4.0", tags["v1.4.0-runtime"])
    # minimal: untouched by the rollback of runtime and by the prune, so exactly what the release left.
    assert minimal == released["minimal"]
    want = expected(sandbox, release_run, minimal["digest"])
    assert minimal["since"] == want["since"].isoformat() and minimal["run"]["id"] == release_run
    assert (minimal["deployment"]["creator"], minimal["deployment"]["ref"]) == (want["creator"], "v1.5.0")
    # runtime: the rollback's deployment, not the release's and not the prune's.
    want = expected(sandbox, rollback_run.id, runtime["digest"])
    assert runtime["since"] == want["since"].isoformat() and runtime["since"] > minimal["since"]
    assert runtime["run"]["id"] == rollback_run.id != prune_run.id
    assert (runtime["deployment"]["creator"], runtime["deployment"]["ref"]) == (want["creator"], "main")
    assert minimal["unknown"] is None and runtime["unknown"] is None
    # The table `status` prints reads the same model.
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps cells to the terminal's width
    assert main(["status"]) == 0
    # Through a pipe (capsys) status prints plain aligned columns: environment, target, ...
    rows = {line.split()[1]: line for line in capsys.readouterr().out.splitlines() if line.startswith("production ")}
    assert f"CD #{sandbox.run(release_run).run_number} by {minimal['deployment']['creator']}" in rows["minimal"]
    assert f"CD #{rollback_run.run_number} by {runtime['deployment']['creator']}" in rows["runtime"]


async def test_overview_and_environments_show_each_targets_own_deployment(console_app):
    from console.actions import ActionContext, approve, prune, rollback
    from console.services.backend import Backend

    app, sb = console_app()
    backend = Backend.from_settings(sb.settings(), ecr_endpoint_url=sb.ecr_endpoint_url)
    ctx = ActionContext.from_backend(backend)
    preview = await approve.preview(ctx, sb.pending_run_id)
    await approve.review(ctx, preview, approve=True, comment="ship v1.5.0")
    await rollback.execute(ctx, (await rollback.plan(ctx, ["runtime"]))[0])
    await prune.execute(ctx, (await prune.plan(ctx, 1))[0])
    await backend.aclose()
    sb.pause()  # ages on screen and in the test are computed at the same instant
    [rollback_run] = dispatched(sb, "rollback")
    tags = ecr_tags(sb)
    want = {"minimal": (tags["v1.5.0-minimal"], "v1.5.0", expected(sb, sb.pending_run_id, tags["v1.5.0-minimal"])),
            "runtime": (tags["v1.4.0-runtime"], "v1.4.0", expected(sb, rollback_run.id, tags["v1.4.0-runtime"]))}
    runs = {r.id: r for r in sb.state.runs.values()}
    label = {"minimal": f"CD #{runs[sb.pending_run_id].run_number}", "runtime": f"CD #{rollback_run.run_number}"}

    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        now: datetime = app.now()
        overview = {row[0]: row for row in cells(app.screen.query_one("#targets"))}
        for target, (digest, version, dep) in want.items():
            cell = overview[target][2]  # the Production column
            assert cell.startswith(f"{version} {short_digest(digest)[:8]}"), cell
            assert cell.splitlines()[1:] == [f"{ago(dep['since'], now)} · {label[target]}", f"by {dep['creator']}"], cell

        await pilot.press("4")
        await pilot.pause()
        running = {(row[0], row[1]): row for row in cells(app.screen.query_one("#env-targets"))}
        for target, (digest, version, dep) in want.items():
            row = running[("production", target)]
            assert row[2:5] == [version, short_digest(digest)[:8], ago(dep["since"], now)], row
            assert row[6] == f"{label[target]} by {dep['creator']}", row


def test_a_direct_rollback_leaves_the_target_unknown_not_the_older_release(sandbox, capsys, monkeypatch):
    """Break-glass mode moves latest-runtime with no deployment: the console cannot tell since when,
    so it says so, instead of naming v1.4.0's old deployment of that digest."""
    assert main(["approve", str(sandbox.pending_run_id), "--comment", "ship v1.5.0", "--yes"]) == 0
    released = status_json(capsys)
    assert main(["rollback", "runtime", "--direct", "--yes", "--reason", "GitHub Actions is down"]) == 0
    prod = status_json(capsys)

    runtime = prod["runtime"]
    assert (runtime["version"], runtime["digest"]) == ("v1.4.0", ecr_tags(sandbox)["v1.4.0-runtime"])
    assert (runtime["since"], runtime["deployment"], runtime["run"]) == (None, None, None)
    assert "latest-runtime moved after deployment" in runtime["unknown"]
    assert prod["minimal"] == released["minimal"]  # the other target keeps its release
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["status"]) == 0
    [row] = [line for line in capsys.readouterr().out.splitlines() if line.split()[:2] == ["production", "runtime"]]
    assert row.count("unknown") == 2  # since and via
