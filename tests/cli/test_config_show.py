"""`config show`: the effective settings, each with where it came from; the token never, only its source."""

from __future__ import annotations

import json
import os
import stat

import pytest

from console.cli import main

TOKEN = "ghp_config_show_secret_0123456789"
CONFIG = """
[defaults]
refresh_seconds = 12
notify = "desktop"
prune_keep = 7
region = "us-east-1"

[repos."acme/shop"]
region = "eu-west-1"
targets = ["minimal", "runtime"]
dispatch_ref = "release"
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A config file, a token in GH_TOKEN, no `gh` and nothing else from the developer's environment."""
    for name in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GH_HOST", "GITHUB_API_URL",
                 "GHAECR_REPO", "GHAECR_ECR_REPOSITORY", "GHAECR_PRODUCTION_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "bin") + os.pathsep + os.environ["PATH"])
    (tmp_path / "bin").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("GHAECR_CONSOLE_CONFIG", str(config))
    monkeypatch.setenv("GH_TOKEN", TOKEN)
    monkeypatch.setenv("GHAECR_ECR_REPOSITORY", "shop-images")
    return tmp_path


def show(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert TOKEN not in out + err and TOKEN[4:16] not in out + err
    return code, out, err


def test_every_setting_names_its_source_and_the_token_only_where_it_was_found(env, capsys):
    code, out, _ = show(["--repo", "acme/shop", "config", "show", "--json", "--profile", "ops", "--read-only"], capsys)
    assert code == 0
    document = json.loads(out)
    settings = {name: (entry["value"], entry["source"]) for name, entry in document["settings"].items()}
    assert settings["repo"] == ("acme/shop", "flag --repo")
    assert settings["profile"] == ("ops", "flag --profile")
    assert settings["read_only"] == (True, "flag --read-only")
    assert settings["ecr_repository"] == ("shop-images", "env GHAECR_ECR_REPOSITORY")
    assert settings["region"] == ("eu-west-1", 'config [repos."acme/shop"]')  # the repository's section beats [defaults]
    assert settings["dispatch_ref"] == ("release", 'config [repos."acme/shop"]')
    assert settings["targets"] == (["minimal", "runtime"], 'config [repos."acme/shop"]')
    assert settings["refresh_seconds"] == (12, "config [defaults]")
    assert settings["notify"] == ("desktop", "config [defaults]")
    assert settings["prune_keep"] == (7, "config [defaults]")
    assert settings["github_url"] == ("https://api.github.com", "default")
    assert settings["environments"] == (["staging", "production"], "default")
    assert document["settings"]["token"] == {"value": None, "redacted": True, "source": "env GH_TOKEN"}
    assert document["config_file"] == {"path": str(env / "config.toml"), "exists": True, "from": "env GHAECR_CONSOLE_CONFIG"}


def test_a_flag_beats_the_environment_which_beats_the_file(env, capsys, monkeypatch):
    monkeypatch.setenv("GHAECR_REPO", "acme/shop")
    code, out, _ = show(["config", "show", "--json", "--ecr-repo", "from-flag", "--refresh", "3"], capsys)
    settings = json.loads(out)["settings"]
    assert code == 0
    assert (settings["repo"]["value"], settings["repo"]["source"]) == ("acme/shop", "env GHAECR_REPO")
    assert (settings["ecr_repository"]["value"], settings["ecr_repository"]["source"]) == ("from-flag", "flag --ecr-repo")
    assert (settings["refresh_seconds"]["value"], settings["refresh_seconds"]["source"]) == (3, "flag --refresh")


def test_the_table_for_a_person_redacts_the_token(env, capsys):
    code, out, err = show(["config", "show", "--repo", "acme/other"], capsys)
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert code == 0
    assert rows["region"].split()[1:] == ["us-east-1", "config", "[defaults]"]  # acme/other has no section of its own
    assert rows["ecr_repository"].split()[1] == "shop-images"
    assert rows["token"].split()[1:] == ["(redacted)", "env", "GH_TOKEN"]
    assert "config file: " + str(env / "config.toml") in err


def test_a_token_from_gh_is_named_by_the_command_never_shown(env, capsys, monkeypatch):
    monkeypatch.delenv("GH_TOKEN")
    gh = env / "bin" / "gh"
    gh.write_text(f"#!/bin/sh\necho {TOKEN}\n")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    code, out, _ = show(["config", "show", "--json", "--repo", "acme/shop"], capsys)
    assert code == 0
    assert json.loads(out)["settings"]["token"]["source"] == "gh auth token --hostname github.com"


def test_a_github_com_token_for_another_host_is_reported_refused(env, capsys, monkeypatch):
    monkeypatch.setenv("GH_HOST", "ghe.example.com")
    code, out, _ = show(["config", "show", "--json", "--repo", "acme/shop"], capsys)
    settings = json.loads(out)["settings"]
    assert code == 0
    assert (settings["github_url"]["value"], settings["github_url"]["source"]) == ("https://ghe.example.com/api/v3", "env GH_HOST")
    assert settings["token"]["redacted"] is False
    assert settings["token"]["source"].startswith("refused: GH_TOKEN holds a github.com token")


def test_no_repository_is_one_line_and_exit_2(env, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # not a clone: no origin remote to read
    code, out, err = show(["config", "show"], capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: No repository") and len(err.splitlines()) == 1


def test_every_repository_of_the_config_with_all(env, capsys):
    (env / "config.toml").write_text(CONFIG + '\n[repos."acme/api"]\nregion = "ap-south-1"\n')
    code, out, _ = show(["config", "show", "--all", "--json"], capsys)
    assert code == 0
    documents = json.loads(out)["repositories"]
    settings = {d["settings"]["repo"]["value"]: d["settings"] for d in documents}
    assert list(settings) == ["acme/shop", "acme/api"]  # the file's order
    assert settings["acme/api"]["repo"]["source"] == 'flag --all (config [repos."acme/api"])'
    assert (settings["acme/api"]["region"]["value"], settings["acme/api"]["region"]["source"]) == (
        "ap-south-1", 'config [repos."acme/api"]')
    assert settings["acme/shop"]["region"]["value"] == "eu-west-1"
    assert all(s["token"] == {"value": None, "redacted": True, "source": "env GH_TOKEN"} for s in settings.values())


def test_two_repositories_named_are_two_tables(env, capsys):
    code, out, _ = show(["config", "show", "--repo", "acme/shop", "--repo", "acme/other"], capsys)
    titles = [line for line in out.splitlines() if line.startswith("Effective settings")]
    assert code == 0 and titles == ["Effective settings of acme/shop", "Effective settings of acme/other"]
