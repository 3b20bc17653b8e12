"""Helpers for the workflow tests: the repository's .github tree, tool lookup, the local ECR
(moto's server, reached by the deploy scripts through the real AWS CLI), script runs and stand-ins
for docker and gh."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

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


REGISTRY_HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
SHA_A, SHA_B, SHA_C = "a" * 40, "b" * 40, "c" * 40

DOCKER_COPY = r'''#!/usr/bin/env python3
"""Stand-in for `docker buildx imagetools create --prefer-index=false --tag HOST/REPO:TAG HOST/REPO@DIGEST`."""
import os, sys, boto3
args = sys.argv[1:]
with open(os.environ["DOCKER_LOG"], "a") as log:
    log.write(" ".join(args) + "\n")
assert args[:3] == ["buildx", "imagetools", "create"] and "--prefer-index=false" in args, args
dest = args[args.index("--tag") + 1]
source = args[-1]
dest_repo, tag = dest.split("/", 1)[1].rsplit(":", 1)
source_repo, digest = source.split("/", 1)[1].split("@")
ecr = boto3.client("ecr", endpoint_url=os.environ["AWS_ENDPOINT_URL_ECR"])
image = ecr.batch_get_image(repositoryName=source_repo, imageIds=[{"imageDigest": digest}])["images"][0]
ecr.put_image(repositoryName=dest_repo, imageManifest=image["imageManifest"], imageTag=tag,
              imageManifestMediaType=image["imageManifestMediaType"], imageDigest=digest)
'''


def build_tag(sha: str, target: str) -> str:
    return f"sha-{sha}-{target}"


def git_history(tmp_path: Path) -> dict[str, str]:
    """A git history main: first <- second <- third; returns name -> commit sha (and git_dir)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(repo)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    commits = {}
    for name in ("first", "second", "third"):
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", name], check=True)
        commits[name] = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    commits["git_dir"] = str(repo / ".git")
    return commits


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
