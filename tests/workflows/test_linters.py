"""The offline linters the issue asks for: zizmor (pedantic), the workflow JSON schema, shellcheck
and hadolint. Each runs the real tool on the real files."""

from __future__ import annotations

import json
import re
import subprocess

from tests.workflows.helpers import GITHUB_DIR, ROOT, SCRIPTS, WORKFLOWS, tool


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_zizmor_pedantic_reports_no_findings():
    proc = run(tool("zizmor"), "--offline", "--persona=pedantic", "--format=json", str(GITHUB_DIR))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == []


def test_every_zizmor_ignore_explains_why_it_is_safe():
    for path in sorted(GITHUB_DIR.rglob("*.y*ml")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore" in line:
                explanation = line.split("]", 1)[1] + " ".join(lines[number + 1 : number + 3])
                assert re.search(r"--\s+\w+(\s+\w+){3,}", explanation), f"{path.name}:{number + 1} ignore without a reason"


def test_workflows_validate_against_the_github_workflow_schema():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(files) == 4
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dependabot_config_validates():
    proc = run(tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(GITHUB_DIR / "dependabot.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_script_passes_shellcheck():
    scripts = sorted(str(p) for p in SCRIPTS.rglob("*.sh"))
    assert len(scripts) >= 15
    proc = run(tool("shellcheck"), "--external-sources", "--severity=style", *scripts)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_scripts_are_strict_bash_and_executable():
    for path in sorted(SCRIPTS.glob("*.sh")):
        text = path.read_text()
        assert text.startswith("#!/usr/bin/env bash\n"), path.name
        assert "set -euo pipefail" in text, path.name
        assert path.stat().st_mode & 0o111, f"{path.name} is not executable"


def test_dockerfile_passes_hadolint():
    proc = run(tool("hadolint"), str(ROOT / "Dockerfile"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
