"""`doctor` checks what the workflows themselves need of the repository's settings: every environment a
job deploys to (cd.yml's `cleanup` too) exists, and every `vars.*` / `secrets.*` they read is set where
the job reading it can see it (a job without an environment sees no environment's variables), with one
role per environment. Against the sandbox over HTTP; never a traceback, never the token."""

from __future__ import annotations

import pytest
import yaml

from console.cli import main
from console.model import checks as c
from console.model.workflow_needs import Listed, judge, workflow_needs

ROLE = "arn:aws:iam::123456789012:role/shop-{}"


def doctor(capsys, sandbox) -> tuple[int, list[str]]:
    code = main(["doctor"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and sandbox.token not in out + err
    return code, out.splitlines()


def line_of(lines: list[str], name: str) -> str:
    return next(line for line in lines if f" {name}:" in line)


def test_every_variable_and_environment_the_workflows_read_is_checked_over_http(sandbox, capsys):
    code, lines = doctor(capsys, sandbox)
    assert code == 0, lines
    assert line_of(lines, "environment cleanup").startswith("✓")  # only cd.yml names it; the console does not
    assert line_of(lines, "variable AWS_ROLE_ARN") == "✓ variable AWS_ROLE_ARN: its own in each of cleanup, production, staging"
    assert line_of(lines, "variable AWS_READ_ROLE_ARN").startswith("✓") and "(repository)" in line_of(lines, "variable AWS_READ_ROLE_ARN")
    assert line_of(lines, "variable ECR_REPOSITORY") == "✓ variable ECR_REPOSITORY: shop (repository)"
    with sandbox.state.lock:
        read = {path.partition("/repos/acme/shop")[2] for method, path, status in sandbox.state.requests if status == 200}
    assert {"/actions/variables", "/actions/secrets", "/actions/organization-variables",
            "/environments/cleanup/variables", "/environments/production/variables"} <= read


def test_a_missing_cleanup_environment_and_read_role_are_named_with_the_fix(sandbox, capsys):
    del sandbox.state.environments["cleanup"]
    del sandbox.state.variables["AWS_READ_ROLE_ARN"]
    sandbox.state.environments["production"].variables["AWS_READ_ROLE_ARN"] = ROLE.format("read")  # invisible to the preflight
    code, lines = doctor(capsys, sandbox)
    assert code == 1
    assert line_of(lines, "environment cleanup") == ("✗ environment cleanup: does not exist — create it (Settings → "
                                                     "Environments → New environment: cleanup)")
    read_role = line_of(lines, "variable AWS_READ_ROLE_ARN")
    assert read_role.startswith("✗ variable AWS_READ_ROLE_ARN: not set for jobs without an environment (cd.yml, security.yml)")
    assert "add a repository variable AWS_READ_ROLE_ARN" in read_role
    role = line_of(lines, "variable AWS_ROLE_ARN")
    assert role.startswith("✗") and "environment cleanup" in role and "add AWS_ROLE_ARN to environment cleanup" in role


def test_one_role_for_every_environment_is_a_warning(sandbox, capsys):
    for environment in sandbox.state.environments.values():
        environment.variables.pop("AWS_ROLE_ARN")
    sandbox.state.variables["AWS_ROLE_ARN"] = ROLE.format("deploy")
    code, lines = doctor(capsys, sandbox)
    assert code == 0
    role = line_of(lines, "variable AWS_ROLE_ARN")
    assert role.startswith("⚠ variable AWS_ROLE_ARN: cleanup, production, staging assume the same role (repository)")
    assert "set AWS_ROLE_ARN in each environment to its own role" in role


def test_a_malformed_role_and_another_ecr_repository_are_named(sandbox, capsys):
    sandbox.state.environments["production"].variables["AWS_ROLE_ARN"] = "shop-production"
    sandbox.state.variables["ECR_REPOSITORY"] = "shop-old"
    code, lines = doctor(capsys, sandbox)
    assert code == 1
    assert line_of(lines, "variable AWS_ROLE_ARN").startswith("✗ variable AWS_ROLE_ARN: 'shop-production' is not an IAM role ARN")
    ecr_repository = line_of(lines, "variable ECR_REPOSITORY")
    assert ecr_repository.startswith("⚠ variable ECR_REPOSITORY: shop-old (repository), but the console uses shop")


def test_a_value_with_terminal_escapes_is_shown_not_obeyed(sandbox, capsys):
    sandbox.state.variables["AWS_REGION"] = "us-east-1\x1b[2J\x1b]8;;https://evil.example\x07"
    code, lines = doctor(capsys, sandbox)
    region = line_of(lines, "variable AWS_REGION")
    assert "\x1b" not in "\n".join(lines) and "␛[2J" in region and region.startswith("⚠")  # not the console's region


def test_a_token_that_may_not_list_variables_gets_a_warning_not_a_failure(sandbox, capsys):
    del sandbox.state.variables["AWS_REGION"]
    sandbox.faults.forbidden = {"variables"}
    code, lines = doctor(capsys, sandbox)
    region = line_of(lines, "variable AWS_REGION")
    assert code == 0
    assert region.startswith("⚠ variable AWS_REGION: cannot tell") and "Variables: read" in region


def test_the_two_repository_layout_needs_production_repository(sandbox_factory, capsys):
    sandbox = sandbox_factory(production_repository="shop-production")
    del sandbox.state.variables["PRODUCTION_REPOSITORY"]
    code, lines = doctor(capsys, sandbox)
    assert code == 1
    assert line_of(lines, "variable PRODUCTION_REPOSITORY").startswith("✗ variable PRODUCTION_REPOSITORY: not set for")


WORKFLOW = """
on: push
env:
  REGION: ${{ vars.AWS_REGION }}
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ vars.READ_ROLE }} ${{ needs.secrets.result }} trivy-secrets.json"
  deploy:
    environment: {name: production, url: "${{ steps.x.outputs.url }}"}
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ vars.ROLE_ARN }} ${{ secrets.WEBHOOK }} ${{ secrets.GITHUB_TOKEN }}"
"""


def test_what_a_workflow_reads_and_where_its_jobs_see_it():
    environments, uses = workflow_needs({"cd.yml": yaml.safe_load(WORKFLOW)})
    assert environments == ("production",)
    assert {(u.kind, u.name): u.environments for u in uses} == {
        ("variable", "AWS_REGION"): {None, "production"},  # the workflow's env: every job reads it
        ("variable", "READ_ROLE"): {None}, ("variable", "ROLE_ARN"): {"production"},
        ("secret", "WEBHOOK"): {"production"},  # not `needs.secrets.result`, not a file name, not GITHUB_TOKEN
    }
    read_role = next(u for u in uses if u.name == "READ_ROLE")
    only_in_production = Listed({}, {}, {"production": {"READ_ROLE": ROLE.format("read")}})
    assert judge(read_role, only_in_production, {}).status == c.FAIL
    assert judge(read_role, Listed({"READ_ROLE": ROLE.format("read")}, None, {}), {}).status == c.OK


@pytest.mark.parametrize(("value", "status"), [("true", c.WARN), ("false", c.OK)])
def test_allow_older_release_left_on_is_a_warning(value, status):
    _, uses = workflow_needs({"cd.yml": {"jobs": {"preflight": {"steps": [{"env": {"A": "${{ vars.ALLOW_OLDER_RELEASE }}"}}]}}}})
    assert judge(uses[0], Listed({"ALLOW_OLDER_RELEASE": value}, {}, {}), {}).status == status
