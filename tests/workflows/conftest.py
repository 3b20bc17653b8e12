"""Fixtures for the workflow tests: the repository's .github tree, tool lookup, and a local ECR
(moto's server) that the deploy scripts reach through the real AWS CLI."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB_DIR = ROOT / ".github"
SCRIPTS = GITHUB_DIR / "scripts"
WORKFLOWS = GITHUB_DIR / "workflows"
REPOSITORY = "shop"
TARGETS = ("minimal", "runtime")
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def tool(name: str) -> str:
    """A CLI installed next to this Python (the venv) or on PATH; skip when absent."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def load_workflow(name: str) -> dict:
    # PyYAML reads the key `on` as the boolean True; map it back so tests read naturally.
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="session")
def workflows() -> dict[str, dict]:
    return {p.name: load_workflow(p.name) for p in sorted(WORKFLOWS.glob("*.yml"))}


@pytest.fixture(scope="session")
def moto_url():
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one access-log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Registry:
    """The local ECR: seed images with boto3, read the state back, run scripts against it."""

    url: str
    client: object
    tmp: Path

    def push(self, seed: str, *tags: str, media_type: str = OCI_MANIFEST, top_level_media_type: bool = True,
             repository: str = REPOSITORY) -> str:
        """Store an image whose digest is the sha256 of its manifest (as real ECR computes it)."""
        manifest: dict = {
            "schemaVersion": 2,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json"
                if media_type == OCI_MANIFEST
                else "application/vnd.docker.container.image.v1+json",
                "digest": "sha256:" + hashlib.sha256(f"config-{seed}".encode()).hexdigest(),
                "size": 1234,
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": "sha256:" + hashlib.sha256(f"layer-{seed}".encode()).hexdigest(),
                    "size": 5678,
                }
            ],
        }
        if top_level_media_type:
            manifest = {"mediaType": media_type, **manifest}
        body = json.dumps(manifest, indent=3)  # unusual whitespace: a retag must keep the bytes
        digest = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
        for tag in tags:
            self.client.put_image(
                repositoryName=repository,
                imageManifest=body,
                imageManifestMediaType=media_type,
                imageTag=tag,
                imageDigest=digest,
            )
        return digest

    def tags(self, repository: str = REPOSITORY) -> dict[str, str]:
        """tag -> digest for every tagged image."""
        images = self.client.describe_images(repositoryName=repository)["imageDetails"]
        return {tag: i["imageDigest"] for i in images for tag in i.get("imageTags", [])}

    def digests(self, repository: str = REPOSITORY) -> set[str]:
        return {i["imageDigest"] for i in self.client.describe_images(repositoryName=repository)["imageDetails"]}

    def manifest(self, tag: str, repository: str = REPOSITORY) -> tuple[str, str]:
        image = self.client.batch_get_image(repositoryName=repository, imageIds=[{"imageTag": tag}])["images"][0]
        return image["imageManifest"], image.get("imageManifestMediaType", "")

    def set_pushed(self, digest: str, epoch: int, repository: str = REPOSITORY) -> None:
        """moto stamps every push with the current second; cleanup needs a real order of pushes."""
        from moto.backends import get_backend

        backend = get_backend("ecr")["123456789012"]["us-east-1"]
        for image in backend.repositories[repository].images:
            if image.get_image_digest() == digest:
                image.image_pushed_at = epoch

    def run(self, script: str, *, endpoint: str | None = None, path_prefix: str | None = None, **env: str):
        return run_script(script, self.tmp, endpoint or self.url, path_prefix=path_prefix, **env)


@dataclass
class ScriptResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("::error::")]


def run_script(script: str, tmp: Path, endpoint: str, *, path_prefix: str | None = None, **env: str) -> ScriptResult:
    outputs, summary = tmp / "github_output", tmp / "step_summary"
    outputs.write_text("")
    summary.write_text("")
    path = os.pathsep.join(p for p in (path_prefix, str(Path(sys.executable).parent), os.environ.get("PATH", "")) if p)
    full_env = {
        "PATH": path,
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_ECR": endpoint,
        "AWS_CONFIG_FILE": str(tmp / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp / "no-aws-credentials"),
        "ECR_REPOSITORY": REPOSITORY,
        "DEPLOY_TARGETS": ",".join(TARGETS),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        **env,
    }
    proc = subprocess.run(
        ["bash", str(SCRIPTS / script)], env=full_env, capture_output=True, text=True, timeout=120, check=False
    )
    parsed = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)
    return ScriptResult(proc.returncode, proc.stdout, proc.stderr, parsed, summary.read_text())


@pytest.fixture
def registry(moto_url, tmp_path) -> Registry:
    urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10)
    client = boto3.client(
        "ecr",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_repository(repositoryName=REPOSITORY)
    return Registry(moto_url, client, tmp_path)


@pytest.fixture
def no_aws(tmp_path) -> Path:
    """A PATH entry whose `aws` records every call and fails: proof that nothing reached ECR."""
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    log = tmp_path / "aws-calls.log"
    shim = shim_dir / "aws"
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexit 99\n')
    shim.chmod(0o755)
    return shim_dir


@pytest.fixture
def run_offline(tmp_path):
    """Run a script that needs no ECR (any AWS call would hit a closed port)."""

    def run(script: str, *, path_prefix: str | None = None, **env: str) -> ScriptResult:
        return run_script(script, tmp_path, "http://127.0.0.1:9", path_prefix=path_prefix, **env)

    return run


FAKE_GH = r"""#!/usr/bin/env bash
# Test double for the GitHub CLI: records each call, answers from files named by env vars.
printf '%s\n' "$*" >> "$GH_LOG"
prev=""
for arg in "$@"; do
  if [[ "$prev" == --notes-file || "$prev" == --body-file ]]; then cat "$arg" >> "$GH_LOG"; fi
  prev="$arg"
done
case "$1 $2" in
  "api --paginate") cat "$GH_STATUSES" ;;
  "issue list") cat "$GH_ISSUES" ;;
  "release view") exit "${GH_RELEASE_EXISTS:-1}" ;;
  "issue create") echo "https://github.com/acme/shop/issues/1" ;;
esac
"""


@dataclass
class FakeGh:
    path: str
    log: Path
    env: dict

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def fake_gh(tmp_path) -> FakeGh:
    shim_dir = tmp_path / "gh-shim"
    shim_dir.mkdir()
    gh = shim_dir / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    log = tmp_path / "gh-calls.log"
    env = {"GH_LOG": str(log), "GH_TOKEN": "test-token", "GH_REPO": "acme/shop",
           "GH_STATUSES": str(tmp_path / "statuses.json"), "GH_ISSUES": str(tmp_path / "issues.json")}
    return FakeGh(str(shim_dir), log, env)
