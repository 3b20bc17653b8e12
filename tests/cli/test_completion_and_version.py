"""Shell completion scripts load in their shells and know the commands; --version names the libraries."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from console.cli import main


def script(capsys, shell: str) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def test_bash_completion_loads_and_completes_commands(capsys, tmp_path):
    path = tmp_path / "ghaecr-console.bash"
    path.write_text(script(capsys, "bash"))
    # Load it, then ask bash for the registered completion: the script defined and attached its function.
    shown = subprocess.run(["bash", "-c", f"source {path} && complete -p ghaecr-console"],
                           capture_output=True, text=True, check=True).stdout
    assert "ghaecr-console" in shown and "-F" in shown
    assert "rollback" in path.read_text() and "--direct" in path.read_text()


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (.ci/run installs it)")
def test_zsh_completion_parses(capsys, tmp_path):
    path = tmp_path / "_ghaecr-console"
    path.write_text(script(capsys, "zsh"))
    subprocess.run(["zsh", "-n", str(path)], check=True)
    assert "prune" in path.read_text()


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (.ci/run installs it)")
def test_fish_completion_offers_commands_and_flags(capsys, tmp_path):
    path = tmp_path / "ghaecr-console.fish"
    path.write_text(script(capsys, "fish"))
    ask = lambda line: subprocess.run(["fish", "-c", f"source {path}; complete -C '{line}'"],  # noqa: E731
                                      capture_output=True, text=True, check=True).stdout
    assert "status" in ask("ghaecr-console sta")
    assert "--direct" in ask("ghaecr-console rollback --di")


def test_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "powershell"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_version_names_the_libraries(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("ghaecr-console ") and "textual " in out and "githubkit " in out and "botocore " in out
