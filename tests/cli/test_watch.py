"""`watch RUN_ID` follows a run on the sandbox: a line per change, exit 0 on success, 1 on failure,
one line for an unknown run."""

from __future__ import annotations

from console.cli import main
from tests.cli.helpers import ci_run


def test_watch_a_run_that_succeeds(sandbox, capsys):
    sandbox.pause()
    run = ci_run(sandbox, sandbox.push_main("Add a feature"))
    sandbox.resume()
    assert main(["watch", str(run.id)]) == 0
    out = capsys.readouterr().out
    assert "Tests" in out and out.rstrip().splitlines()[-1].startswith(f"CI #{run.run_number} success")


def test_watch_a_run_that_fails_exits_1(sandbox, capsys):
    run = ci_run(sandbox, sandbox.push_main("Break the build", ci_fails=True))
    assert main(["watch", str(run.id)]) == 1
    out, err = capsys.readouterr()
    assert "failure" in err.splitlines()[-1]


def test_watch_an_unknown_run_is_one_line(sandbox, capsys):
    assert main(["watch", "424242"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "424242" in err
