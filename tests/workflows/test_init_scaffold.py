"""`ghaecr-console init` into a fresh repository with other target and environment names: the written
workflows pass the same checks as ours, the written deploy scripts work on those targets against moto,
a second run is a no-op and a file the team changed is kept."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from console.cli import main
from tests.workflows.helpers import tool

ARGS = ["--targets", "api,worker", "--environment-names", "stage,prod", "--ecr-repo", "svc", "--region", "eu-west-1"]


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "service"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def init(root: Path, *extra: str) -> int:
    return main(["init", "--dir", str(root), *ARGS, *extra])


def files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file() and ".git/" not in str(p) + "/"}


def test_written_workflows_pass_our_checks(repo):
    assert init(repo) == 0
    github = repo / ".github"
    zizmor = subprocess.run([tool("zizmor"), "--offline", "--persona=pedantic", "--format=json", str(github)],
                            capture_output=True, text=True)
    assert zizmor.returncode == 0, zizmor.stdout[-2000:]
    workflows = sorted(str(p) for p in (github / "workflows").glob("*.yml"))
    schema = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows],
                            capture_output=True, text=True)
    assert schema.returncode == 0, schema.stdout
    scripts = sorted(str(p) for p in (github / "scripts").rglob("*.sh"))
    shellcheck = subprocess.run([tool("shellcheck"), "--external-sources", "--severity=style", *scripts],
                                capture_output=True, text=True)
    assert shellcheck.returncode == 0, shellcheck.stdout
    cd = yaml.safe_load((github / "workflows" / "cd.yml").read_text())
    assert cd["env"]["DEPLOY_TARGETS"] == "api,worker"
    environments = {(job.get("environment") or {}).get("name") if isinstance(job.get("environment"), dict)
                    else job.get("environment") for job in cd["jobs"].values()}
    assert {"stage", "prod"} <= environments and not {"staging", "production"} & environments
    dockerfile = (repo / "Dockerfile").read_text()
    assert "AS api" in dockerfile and "AS worker" in dockerfile and "@sha256:" in dockerfile
    assert "svc" in (github / "GHAECR-SETUP.md").read_text()


def test_written_rollback_script_moves_only_its_target(repo, registry):
    assert init(repo) == 0
    targets = yaml.safe_load((repo / ".github/workflows/cd.yml").read_text())["env"]["DEPLOY_TARGETS"]
    old_api = registry.push("api-1", "v1.0.0-api", "previous-api")
    registry.push("api-2", "v1.1.0-api", "latest-api")
    worker = registry.push("worker-1", "v1.1.0-worker", "latest-worker", "previous-worker")
    result = registry.run(str(repo / ".github/scripts/rollback.sh"), DEPLOY_TARGETS=targets, TARGETS="api",
                          REASON="bad release")
    assert result.returncode == 0, result.stderr
    tags = registry.tags()
    assert tags["latest-api"] == old_api and tags["latest-worker"] == worker


def test_second_run_is_a_no_op_and_a_changed_file_is_kept(repo, capsys):
    assert init(repo) == 0
    first = files(repo)
    capsys.readouterr()
    assert init(repo) == 0
    assert files(repo) == first
    assert "Wrote 0 file(s)" in capsys.readouterr().err

    cd = repo / ".github/workflows/cd.yml"
    cd.write_text(cd.read_text() + "# our own change\n")
    assert init(repo) == 1
    out, err = capsys.readouterr()
    assert "# our own change" in cd.read_text() and "-# our own change" in out and "--force" in err
    assert init(repo, "--force") == 0
    assert "# our own change" not in cd.read_text()


def test_dry_run_writes_nothing(repo, capsys):
    assert init(repo, "--dry-run") == 0
    assert files(repo) == {}
    assert "new file: .github/workflows/cd.yml" in capsys.readouterr().out


def test_ghes_uses_the_relative_form(repo):
    assert init(repo, "--ghes") == 0
    text = "".join((repo / ".github/workflows" / n).read_text() for n in ("cd.yml", "ci.yml", "security.yml"))
    assert "uses: $/" not in text and "uses: ./.github/workflows/notify.yml" in text


@pytest.mark.parametrize("bad", [["--targets", "Api!"], ["--environment-names", "prod"], ["--targets", "a,a"]])
def test_bad_names_are_refused_in_one_line(repo, capsys, bad):
    assert main(["init", "--dir", str(repo), *bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:")
    assert files(repo) == {}
