"""Bad configuration and bad flags end in one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest

from console.cli import main


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(path))
    monkeypatch.setenv("GH_TOKEN", "ghp_dummy_token_for_tests_0000")
    return path


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_clear_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith(("usage:", " "))]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_malformed_config_file_is_one_line(config_file, capsys):
    config_file.write_text("[defaults\nrefresh_seconds = 3\n")
    code, _, err = run(["--repo", "acme/shop", "status"], capsys)
    line = assert_one_clear_line(err)
    assert code != 0
    assert "not valid TOML" in line and str(config_file) in line


def test_unknown_setting_is_named(config_file, capsys):
    config_file.write_text('[repos."acme/shop"]\nrefrsh_seconds = 5\n')
    code, _, err = run(["--repo", "acme/shop", "status"], capsys)
    line = assert_one_clear_line(err)
    assert code != 0
    assert "refrsh_seconds" in line


def test_wrong_type_is_named(config_file, capsys):
    config_file.write_text('[defaults]\nprune_keep = "many"\n')
    code, _, err = run(["--repo", "acme/shop", "status"], capsys)
    assert code != 0
    assert "prune_keep" in assert_one_clear_line(err)


def test_unknown_flag_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["status", "--bogus"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --bogus" in err
    assert "Traceback" not in err


def test_bad_repository_name(config_file, capsys):
    code, _, err = run(["--repo", "not-a-repo", "status"], capsys)
    assert code != 0
    assert "OWNER/NAME" in assert_one_clear_line(err)


def test_missing_token_says_how_to_log_in(config_file, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("GH_TOKEN")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `gh` to ask either
    code, _, err = run(["--repo", "acme/shop", "status"], capsys)
    assert code != 0
    assert "gh auth login" in assert_one_clear_line(err)


def test_config_path_honours_override(config_file, capsys):
    code, out, _ = run(["config", "path"], capsys)
    assert code == 0
    assert out.strip() == str(config_file)


def test_flags_override_config_file(config_file):
    from console.config import build_settings, read_config_file

    config_file.write_text(
        '[defaults]\nrefresh_seconds = 60\n[repos."acme/shop"]\necr_repository = "shop-images"\nregion = "eu-west-1"\n'
    )
    settings = build_settings({"repo": "acme/shop", "region": "us-east-2"}, {}, read_config_file())
    assert settings.ecr_repository == "shop-images"
    assert settings.region == "us-east-2"
    assert settings.refresh_seconds == 60


@pytest.mark.parametrize("value, says", [
    ('"Shop_Prod!"', "is not an ECR repository name"),
    ('"shop"', "leave it out for the single-repository layout"),
])
def test_a_bad_production_repository_is_named(config_file, capsys, value, says):
    config_file.write_text(f'[repos."acme/shop"]\necr_repository = "shop"\nproduction_repository = {value}\n')
    code, _, err = run(["--repo", "acme/shop", "status"], capsys)
    line = assert_one_clear_line(err)
    assert code == 2 and "production_repository" in line and says in line


@pytest.mark.parametrize("production, name", [(None, "single-repository"), ("shop-prod", "two-repository")])
def test_status_json_says_which_layout_is_in_use(sandbox_factory, capsys, production, name):
    import json

    sandbox_factory(production_repository=production)
    code, out, _ = run(["status", "--json"], capsys)
    assert code == 0
    layout = json.loads(out)["layout"]
    assert layout == {"name": name, "staging_repository": "shop", "production_repository": production or "shop"}
