"""The README's IAM actions, enforced: moto's server checks identity policies once its
unauthenticated budget is spent, so the deploy scripts run here as the roles (IAM users with the
roles' action lists; OIDC itself is GitHub's and AWS's).

moto authorizes every ECR request against the resource "*" (its ECR has no resource resolution), so
a statement scoped to a repository ARN matches nothing there: the repository scoping of the README's
policies — the staging role has no statement on the production repository — cannot be tested with
moto and rests on AWS. What is tested is each role's action list: the cleanup role deletes but cannot
retag, the read-only role runs the preflight and the weekly listing but cannot promote, the production
role can promote (copy and retag).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest

from tests.workflows.helpers import DOCKER_COPY, REGISTRY_HOST, REPOSITORY, SHA_A, SHA_B, TARGETS, Registry, build_tag

PRODUCTION = "shop-prod"
READ = ["ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
UPLOAD = ["ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]

# The action lists of README.md "IAM" (moto cannot scope them to repositories: Resource "*").
ACTIONS = {
    "production": ["ecr:GetAuthorizationToken", *READ, "ecr:PutImage", *UPLOAD],
    "cleanup": ["ecr:DescribeImages", "ecr:BatchDeleteImage"],
    "read": ["ecr:GetAuthorizationToken", *READ],
}
POLICIES = {role: [{"Effect": "Allow", "Action": actions, "Resource": "*"}] for role, actions in ACTIONS.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def iam_moto():
    """A moto server that enforces IAM after three unauthenticated calls (an admin user's setup)."""
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "3"}
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    base = {"endpoint_url": url, "region_name": "us-east-1"}
    iam = boto3.client("iam", aws_access_key_id="setup", aws_secret_access_key="setup", **base)
    iam.create_user(UserName="admin")
    iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    admin_key = iam.create_access_key(UserName="admin")["AccessKey"]
    admin = dict(aws_access_key_id=admin_key["AccessKeyId"], aws_secret_access_key=admin_key["SecretAccessKey"], **base)
    iam = boto3.client("iam", **admin)
    keys = {}
    for role, statements in POLICIES.items():
        iam.create_user(UserName=role)
        iam.put_user_policy(UserName=role, PolicyName=role,
                            PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        key = iam.create_access_key(UserName=role)["AccessKey"]
        keys[role] = {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}
    yield url, boto3.client("ecr", **admin), keys
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def layout(iam_moto, tmp_path):
    """Both repositories, fresh: v1.0.0 live in production, SHA_B staged in the build repository."""
    url, ecr, keys = iam_moto
    for repo in (REPOSITORY, PRODUCTION):
        try:
            ecr.delete_repository(repositoryName=repo, force=True)
        except ecr.exceptions.RepositoryNotFoundException:
            pass
        ecr.create_repository(repositoryName=repo)
    registry = Registry(url, ecr, tmp_path)
    old = {t: registry.push(f"old-{t}", build_tag(SHA_A, t)) for t in TARGETS}
    for t in TARGETS:
        registry.push(f"old-{t}", f"v1.0.0-{t}", f"latest-{t}", repository=PRODUCTION)
    new = {t: registry.push(f"new-{t}", build_tag(SHA_B, t), f"staging-{t}") for t in TARGETS}
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "docker").write_text(DOCKER_COPY)
    (shim / "docker").chmod(0o755)
    env = {"PRODUCTION_REPOSITORY": PRODUCTION, "ECR_REGISTRY": REGISTRY_HOST, "DOCKER_LOG": str(tmp_path / "docker.log")}
    return registry, keys, old, new, str(shim), env


def test_the_cleanup_role_deletes_but_cannot_move_a_tag(layout):
    registry, keys, old, new, shim, env = layout
    registry.push("older-runtime", "v0.9.0-runtime", repository=PRODUCTION)
    before = registry.tags(PRODUCTION)
    retag = registry.run("rollback.sh", TARGETS="runtime", TO_VERSION="v0.9.0", **env, **keys["cleanup"])
    assert retag.returncode == 1
    assert len(retag.errors) == 1 and "not authorized to perform: ecr:BatchGetImage" in retag.errors[0]
    assert registry.tags(PRODUCTION) == before
    registry.push("stale", build_tag("d" * 40, "runtime"))
    pruned = registry.run("prune.sh", DIGESTS=registry.tags()[build_tag("d" * 40, "runtime")], **env, **keys["cleanup"])
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.outputs["deleted"] == "1"


def test_the_read_only_role_runs_the_preflight_and_cannot_promote(layout):
    registry, keys, old, new, shim, env = layout
    staged = ",".join(f"{t}={new[t]}" for t in TARGETS)
    preflight = registry.run("release-order.sh", VERSION="v1.1.0", STAGED_DIGESTS=staged, **env, **keys["read"])
    assert preflight.returncode == 0, preflight.stderr
    assert preflight.outputs["promote"] == "true"
    listing = registry.run("released-images.sh", **env, **keys["read"])
    assert listing.returncode == 0 and listing.outputs["count"] == "2"
    before = registry.tags(PRODUCTION)
    promoted = registry.run("promote.sh", path_prefix=shim, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                            **env, **keys["read"])
    assert promoted.returncode == 1 and len(promoted.errors) == 1
    assert registry.tags(PRODUCTION) == before


def test_the_production_role_promotes_into_the_production_repository(layout):
    registry, keys, old, new, shim, env = layout
    promoted = registry.run("promote.sh", path_prefix=shim, TARGETS="all", HEAD_SHA=SHA_B, VERSION="v1.1.0",
                            **env, **keys["production"])
    assert promoted.returncode == 0, promoted.stderr
    assert all(registry.tags(PRODUCTION)[f"latest-{t}"] == new[t] for t in TARGETS)
