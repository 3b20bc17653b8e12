"""Targets are exact: with targets `api` and `server-api`, plan, prune and rollback never confuse
them; `--target`, TARGET and `--all` cannot disagree; `--to` names a release of that target, in
direct and workflow mode alike, refused before any request that changes anything."""

from __future__ import annotations

import pytest

from console.cli import main
from console.model.images import ambiguous_tags, known_targets, parse_tag
from console.model.plans import plan_prune
from tests.actions.helpers import ecr_tags, writes
from tests.model.helpers import img

TARGETS = ("api", "server-api")


@pytest.fixture
def two(sandbox_factory):
    return sandbox_factory(targets=TARGETS)


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_a_release_tag_is_read_as_the_longest_known_target():
    info = parse_tag("v1.2.0-server-api", TARGETS)
    assert (info.target, info.version) == ("server-api", "v1.2.0")
    assert parse_tag("v1.2.0-api", TARGETS).target == "api"


def test_a_tag_of_a_target_the_config_leaves_out_is_reported_and_never_pruned_as_another():
    images = (img(1, "v1.0.0-api", day=1), img(2, "v1.1.0-api", day=2), img(3, "v1.2.0-api", "latest-api", day=3),
              img(4, "v1.9.0-server-api", "latest-server-api", day=9), img(5, "v1.8.0-server-api", day=8))
    tags = {t for i in images for t in i.tags}
    assert known_targets(("api",), tags) == ("api",)
    unclear = ambiguous_tags(tags, ("api",))
    assert set(unclear) == {"v1.8.0-server-api", "v1.9.0-server-api"} and "server-api" in unclear["v1.8.0-server-api"]
    plan = plan_prune(images, ("api",), keep=1)
    assert {i.image.digest for i in plan.delete} == {images[0].digest, images[1].digest}  # api's own, oldest


def test_prune_of_api_touches_neither_server_api_nor_api_s_newest_three(two, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    code, out, err = run(["prune", "--keep", "3", "--target", "api", "--dry-run"], capsys)
    assert code == 0, err
    planned = [line for line in out.splitlines() if "older release" in line or "old build" in line]
    assert planned and all("server-api" not in line for line in planned)
    api_releases = sorted((t for t in ecr_tags(two) if t.endswith("-api") and t.startswith("v")
                           and parse_tag(t, TARGETS).target == "api"), key=lambda t: tuple(map(int, t[1:-4].split("."))))
    for newest in api_releases[-3:]:
        assert newest not in "\n".join(planned)
    before = ecr_tags(two)
    code, _, err = run(["prune", "--keep", "3", "--target", "api", "--yes"], capsys)
    assert code == 0, err
    after = ecr_tags(two)
    assert {t: d for t, d in before.items() if "server-api" in t} == {t: d for t, d in after.items() if "server-api" in t}
    assert all(t in after for t in api_releases[-3:])


@pytest.mark.parametrize("argv, says", [
    (["--target", "api", "rollback", "--all", "--yes"], "--all and the target(s) api disagree"),
    (["--target", "api", "rollback", "server-api", "--yes"], "disagree"),
    (["rollback", "nosuch", "--yes"], "Unknown target 'nosuch'"),
    (["rollback", "api", "--to", "staging", "--yes"], "--to must be a release version of 'api'"),
    (["rollback", "api", "--to", "staging", "--direct", "--yes"], "--to must be a release version of 'api'"),
    (["rollback", "api", "--to", "v1.2.0-server", "--yes"], "--to must be a release version of 'api'"),
    (["rollback", "api", "--to", "v1\n\x1b[2J", "--direct", "--yes"], "--to must be a release version of 'api'"),
])
def test_rollback_arguments_are_refused_before_any_write(two, capsys, argv, says):
    tags = ecr_tags(two)
    code, out, err = run(argv, capsys)
    assert code != 0
    line = one_line(err)
    assert says in line and "\x1b" not in err
    assert writes(two) == [] and ecr_tags(two) == tags  # no dispatch, no review, no tag moved


def test_target_and_the_same_target_agree(two, capsys):
    code, _, err = run(["--target", "api", "rollback", "api", "--yes"], capsys)
    assert code == 0, err
    assert [t for t in ecr_tags(two) if t == "latest-api"]


def test_status_reports_the_tags_a_config_without_server_api_cannot_place(two, capsys, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\ntargets = ["api"]\n')
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(config))
    monkeypatch.setenv("COLUMNS", "300")
    code, out, err = run(["status"], capsys)
    assert code == 0, err
    assert "or of 'server-api'? add 'server-api' to the config's targets" in err  # a warning: stderr
