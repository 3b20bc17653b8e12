"""`doctor` against the sandbox: all ✓ when everything is set up as the README says, and each broken
piece named with its fix (exit 1), never a traceback, never the token."""

from __future__ import annotations

import json

import pytest

from console.cli import main
from console.model import checks as c


def doctor(capsys, *extra: str) -> tuple[int, list[str], str]:
    code = main(["doctor", *extra])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def line_of(lines: list[str], name: str) -> str:
    return next(line for line in lines if f" {name}:" in line)


def test_sandbox_is_all_green(sandbox, capsys):
    code, lines, err = doctor(capsys)
    assert code == 0
    assert all(line.startswith("✓") for line in lines), lines
    assert {"GitHub token", "cd.yml dispatch inputs", "production reviewers", "AWS identity",
            "ECR tag mutability of shop", "ECR lifecycle policy of shop"} <= {line[2:].split(":")[0] for line in lines}
    assert sandbox.token not in "\n".join(lines) + err


def test_each_missing_piece_is_named_with_its_fix(sandbox, capsys):
    production = sandbox.state.environments["production"]
    production.reviewers, production.reviewer_teams = [], []
    del sandbox.state.files[".github/workflows/security.yml"]
    ecr = sandbox.ecr_client()
    ecr.put_image_tag_mutability(repositoryName="shop", imageTagMutability="MUTABLE")
    ecr.put_lifecycle_policy(repositoryName="shop", lifecyclePolicyText=json.dumps({"rules": [{
        "rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50},
        "action": {"type": "expire"}}]}))
    code, lines, err = doctor(capsys)
    assert code == 1
    assert line_of(lines, "production reviewers").startswith("✗") and "add required reviewers" in line_of(lines, "production reviewers")
    assert line_of(lines, "security.yml").startswith("✗")
    assert line_of(lines, "ECR tag mutability of shop").startswith("⚠")
    assert line_of(lines, "ECR lifecycle policy of shop").startswith("✗")
    assert line_of(lines, "cd.yml dispatch inputs").startswith("✓")  # what is fine still says so
    assert "failed" in err and "Traceback" not in err


def test_missing_ecr_repository_and_workflows(sandbox, capsys):
    sandbox.ecr_client().delete_repository(repositoryName="shop", force=True)
    sandbox.state.files.clear()
    code, lines, _ = doctor(capsys)
    assert code == 1
    assert line_of(lines, "ECR repository shop").startswith("✗")
    assert line_of(lines, "cd.yml").startswith("✗")
    assert "not in .github/workflows on main" in line_of(lines, "cd.yml")


def test_bad_token_is_one_failed_line_and_never_shown(sandbox, capsys, monkeypatch):
    monkeypatch.setenv("GH_ENTERPRISE_TOKEN", "ghp_wrongwrongwrong1234")
    code, lines, err = doctor(capsys)
    assert code == 1
    token_line = line_of(lines, "GitHub token")
    assert token_line.startswith("✗")
    assert "ghp_wrongwrongwrong1234" not in "\n".join(lines) + err
    assert line_of(lines, "AWS identity").startswith("✓")  # AWS is still checked: every problem at once


def test_json_for_scripts(sandbox, capsys):
    code, lines, _ = doctor(capsys, "--json")
    document = json.loads("\n".join(lines))
    assert code == 0 and document["ok"] is True and document["repository"] == sandbox.repo
    assert {"area", "name", "status", "detail", "fix"} <= set(document["checks"][0])


@pytest.mark.parametrize(("mutability", "exclusions", "status"), [
    ("IMMUTABLE_WITH_EXCLUSION", ("latest-*", "previous-*", "staging-*"), c.OK),
    ("IMMUTABLE_WITH_EXCLUSION", ("latest-*",), c.FAIL),
    ("IMMUTABLE", (), c.FAIL),
    ("MUTABLE", (), c.WARN),
])
def test_tag_mutability_judgement(mutability, exclusions, status):
    assert c.tag_mutability("shop", mutability, exclusions).status == status


@pytest.mark.parametrize(("selection", "status"), [
    ({"tagStatus": "untagged"}, c.OK),
    ({"tagStatus": "any"}, c.FAIL),
    ({"tagStatus": "tagged", "tagPrefixList": ["v"]}, c.FAIL),
    ({"tagStatus": "tagged", "tagPatternList": ["*-runtime"]}, c.FAIL),
    ({"tagStatus": "tagged", "tagPrefixList": ["pr-"]}, c.OK),
])
def test_lifecycle_judgement(selection, status):
    policy = json.dumps({"rules": [{"rulePriority": 1, "selection": selection, "action": {"type": "expire"}}]})
    assert c.lifecycle_policy("shop", policy).status == status


def test_private_repository_gets_the_plan_caveat():
    reviewers = c.production_gate("production", 2, True, "custom branch and tag rules")[0]
    assert reviewers.status == c.WARN and "Enterprise" in reviewers.fix


def test_two_repository_layout_checks_both(sandbox_factory, capsys):
    sandbox_factory(production_repository="shop-production")
    code, lines, _ = doctor(capsys)
    assert code == 0, lines
    assert "two repositories" in line_of(lines, "layout")
    assert "(staging-*)" in line_of(lines, "ECR tag mutability of shop")
    assert "(latest-*, previous-*)" in line_of(lines, "ECR tag mutability of shop-production")
