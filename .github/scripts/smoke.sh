#!/usr/bin/env bash
# Smoke-test an image: pull it by digest when it is remote (the exact bytes that were pushed, not
# a local build), then check that the console starts, reports its version and runs as non-root;
# the runtime target must also carry the sandbox dependencies.
# Env: IMAGE_REF (registry/repository@sha256:... or a local name), TARGET.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env IMAGE_REF TARGET
target="${TARGET:-}"
if [[ "$IMAGE_REF" == *@sha256:* ]]; then
  [[ "$IMAGE_REF" =~ @sha256:[0-9a-f]{64}$ ]] || die "malformed image reference '$(safe "$IMAGE_REF")'"
  docker pull --quiet "$IMAGE_REF"
fi
run() { docker run --rm --network none "$@"; }

version="$(run "$IMAGE_REF" --version)" || die "${target}: 'ghaecr-console --version' failed in ${IMAGE_REF}"
log "${target}: ${version}"
run "$IMAGE_REF" --help >/dev/null || die "${target}: 'ghaecr-console --help' failed in ${IMAGE_REF}"
uid="$(run --entrypoint id "$IMAGE_REF" -u)"
[[ "$uid" != 0 ]] || die "${target}: the image runs as root"
if [[ "$target" == runtime ]]; then
  run --entrypoint python "$IMAGE_REF" -c 'import moto.server, uvicorn, starlette' ||
    die "runtime: the sandbox dependencies are missing from ${IMAGE_REF}"
fi
summary "- smoke test passed: \`${IMAGE_REF}\` (${version}, uid ${uid})"
