"""The Overview's "Recent changes": GitHub's deployments and this console's operations (its audit log),
merged newest first, each row marked with its source; the audit's text is data, never markup."""

from __future__ import annotations

from datetime import timedelta

from console.actions.audit import AuditLog, AuditRecord
from console.ui.views.changes import CONSOLE, DEPLOYMENT
from tests.hostile import CLEAR, HOSTILE, NEVER
from tests.ui.helpers import FIXED_NOW, cells, loaded, refreshed, screen_text


def record(minutes_ago: float, **fields) -> AuditRecord:
    when = (FIXED_NOW - timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")
    return AuditRecord(repository="acme/shop", time=when, local_user="operator", **{"user": "octo-operator", **fields})


async def test_operations_and_deployments_newest_first_each_with_its_source(console_app):
    app, sb = console_app(frozen=True)
    log = AuditLog.for_settings(sb.settings())
    async with app.run_test(size=(132, 36)) as pilot:
        await loaded(pilot)
        newest = min(FIXED_NOW - d.created_at for d in app.snapshot.deployments) / timedelta(minutes=1)
        log.append(record(newest / 2, user="eve[bold]" + CLEAR, action="rollback", targets=["run[/]time"], comment="smoke",
                          changes=[{"target": "runtime", "from": "sha256:" + "4" * 64, "to": "sha256:" + "9" * 64}],
                          outcome="succeeded"))
        log.append(record(newest + 30, action="prune", mode="direct", digests=["sha256:" + "a" * 64] * 2,
                          outcome="failed", error="ECR said no " + HOSTILE))
        log.append(AuditRecord(action="rollback", repository="other/repo", time=FIXED_NOW.isoformat(),
                               outcome="succeeded"))
        await refreshed(pilot)  # the Overview re-reads the audit log once it changed
        rows = cells(app.screen.query_one("#changes"))
        sources = [row[1] for row in rows]
        assert sources[0] == CONSOLE and rows[0][4].startswith("rollback ")  # newer than any deployment
        assert sources.count(CONSOLE) == 2  # another repository's operation is not this one's change
        prune = sources.index(CONSOLE, 1)  # older than the newest deployment: after it
        assert prune > 1 and sources[1:prune] == [DEPLOYMENT] * (prune - 1)
        assert rows[prune][4].startswith("prune (direct) 2 images") and rows[prune][2:4] == ["ECR", "-"]
        assert rows[prune][7] == "failed"
        # What the audit log holds is data: shown as written, never read as markup or obeyed.
        assert rows[0][3] == "run[/]time" and rows[0][5].startswith("eve[bold]")
        assert not any(bad in cell for row in rows for cell in row for bad in NEVER)
        assert "run[/]time" in screen_text(app) and "eve[bold]" in screen_text(app)
