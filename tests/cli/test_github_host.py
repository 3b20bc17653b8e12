"""GitHub Enterprise the gh way: GH_HOST, GH_ENTERPRISE_TOKEN, the origin remote's host, `gh auth token
--hostname`, and a github.com token never sent to another host."""

from __future__ import annotations

import os
import subprocess

import pytest

from console.cli import build_parser, load_settings, main
from console.errors import AuthError
from console.github_host import api_url, host_of, web_url


def settings_for(argv: list[str], env: dict[str, str]):
    return load_settings(build_parser().parse_args(argv), env)


@pytest.fixture
def no_gh(tmp_path, monkeypatch):
    """A PATH whose `gh` records how it was asked and knows no token."""
    asked = tmp_path / "gh-args"
    gh = tmp_path / "gh"
    gh.write_text(f'#!/bin/sh\necho "$@" >> {asked}\nexit 1\n')
    gh.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    return asked


@pytest.mark.parametrize(("host", "url"), [
    ("github.com", "https://api.github.com"),
    ("ghe.example.com", "https://ghe.example.com/api/v3"),
    ("octo.ghe.com", "https://api.octo.ghe.com"),
])
def test_api_url_of_a_host_like_gh(host, url):
    assert api_url(host) == url
    assert host_of(url) == host
    assert web_url(url) == f"https://{host}"  # where links (a compare page, a run) point


def test_gh_host_and_enterprise_token(no_gh):
    env = {"GH_HOST": "ghe.example.com", "GH_ENTERPRISE_TOKEN": "ent-token-123456", "GH_TOKEN": "dotcom-token-123456"}
    settings = settings_for(["--repo", "acme/shop", "status"], env)
    assert settings.github_url == "https://ghe.example.com/api/v3"
    assert settings.token == "ent-token-123456" and settings.token_source == "GH_ENTERPRISE_TOKEN"


def test_github_enterprise_token_alias(no_gh):
    env = {"GH_HOST": "ghe.example.com", "GITHUB_ENTERPRISE_TOKEN": "ent-token-654321"}
    assert settings_for(["--repo", "acme/shop", "status"], env).token == "ent-token-654321"


def test_dotcom_token_is_refused_for_another_host(no_gh):
    with pytest.raises(AuthError) as refused:
        settings_for(["--repo", "acme/shop", "status"], {"GH_HOST": "ghe.example.com", "GH_TOKEN": "dotcom-token-123456"})
    assert "GH_ENTERPRISE_TOKEN" in refused.value.message and "dotcom-token" not in refused.value.message


def test_gh_is_asked_for_the_host(no_gh):
    settings = settings_for(["--repo", "acme/shop", "status"], {"GH_HOST": "ghe.example.com"})
    assert settings.token is None
    assert no_gh.read_text().split() == ["auth", "token", "--hostname", "ghe.example.com"]


def test_host_comes_from_the_origin_remote(tmp_path, monkeypatch, no_gh):
    clone = tmp_path / "clone"
    clone.mkdir()
    subprocess.run(["git", "init", "-q", str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "remote", "add", "origin", "git@ghe.example.com:acme/shop.git"], check=True)
    monkeypatch.chdir(clone)
    settings = settings_for(["status"], {"GH_ENTERPRISE_TOKEN": "ent-token-123456"})
    assert settings.repo == "acme/shop" and settings.github_url == "https://ghe.example.com/api/v3"


def test_stand_in_never_receives_a_dotcom_token(sandbox, capsys, monkeypatch, no_gh):
    """The stand-in is another host: with only GH_TOKEN set, nothing is sent and the sentence says why."""
    token = os.environ.pop("GH_ENTERPRISE_TOKEN")
    monkeypatch.setenv("GH_TOKEN", token)
    before = len(sandbox.state.requests)
    assert main(["status", "--json"]) != 0
    err = capsys.readouterr().err
    assert "GH_ENTERPRISE_TOKEN" in err and token not in err
    assert len(sandbox.state.requests) == before  # not one request reached the server


def test_stand_in_with_the_enterprise_token(sandbox, capsys):
    assert main(["status", "--json"]) == 0
    assert any(r.path.endswith("/actions/workflows/cd.yml/runs") or "/runs" in r.path for r in sandbox.state.requests)
