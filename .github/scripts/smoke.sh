#!/usr/bin/env bash
# Smoke-test an image: pull it by digest when it is remote (the exact bytes that were pushed, not
# a local build), then check that the console starts, reports its version and runs as non-root;
# the runtime target must also carry the sandbox dependencies. A failed attempt is retried with a
# doubling pause (a registry or runner hiccup must not roll production back); the last attempt's
# reason is the one-line failure.
# Env: IMAGE_REF (registry/repository@sha256:... or a local name), TARGET, SMOKE_ATTEMPTS (default
# 3), SMOKE_BACKOFF_S (first pause in seconds, default 10).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env IMAGE_REF TARGET
target="${TARGET:-}"
attempts="${SMOKE_ATTEMPTS:-3}"
pause="${SMOKE_BACKOFF_S:-10}"
[[ "$attempts" =~ ^[1-9]$ ]] || die "SMOKE_ATTEMPTS must be a whole number from 1 to 9, not '$(safe "$attempts")'"
[[ "$pause" =~ ^[0-9]{1,3}$ ]] || die "SMOKE_BACKOFF_S must be a whole number of seconds, not '$(safe "$pause")'"
remote=false
if [[ "$IMAGE_REF" == *@sha256:* ]]; then
  [[ "$IMAGE_REF" =~ @sha256:[0-9a-f]{64}$ ]] || die "malformed image reference '$(safe "$IMAGE_REF")'"
  remote=true
fi
run() { docker run --rm --network none "$@"; }

# smoke_once -> 0, or 1 with the reason in $failure. Sets $version and $uid.
smoke_once() {
  if [[ "$remote" == true ]] && ! docker pull --quiet "$IMAGE_REF" >/dev/null; then
    failure="${target}: could not pull ${IMAGE_REF}"
    return 1
  fi
  version="$(run "$IMAGE_REF" --version)" || { failure="${target}: 'ghaecr-console --version' failed in ${IMAGE_REF}"; return 1; }
  run "$IMAGE_REF" --help >/dev/null || { failure="${target}: 'ghaecr-console --help' failed in ${IMAGE_REF}"; return 1; }
  uid="$(run --entrypoint id "$IMAGE_REF" -u)" || { failure="${target}: 'id -u' failed in ${IMAGE_REF}"; return 1; }
  [[ "$uid" != 0 ]] || { failure="${target}: the image runs as root"; return 1; }
  if [[ "$target" == runtime ]]; then
    run --entrypoint python "$IMAGE_REF" -c 'import moto.server, uvicorn, starlette' ||
      { failure="runtime: the sandbox dependencies are missing from ${IMAGE_REF}"; return 1; }
  fi
}

failure="" version="" uid=""
for ((attempt = 1; ; attempt++)); do
  smoke_once && break
  [[ $attempt -lt $attempts ]] || die "${failure} (attempt ${attempt} of ${attempts})"
  printf '::warning::%s (attempt %d of %d; retrying in %ds)\n' "$failure" "$attempt" "$attempts" "$pause"
  sleep "$pause"
  pause=$((pause * 2))
done
log "${target}: ${version}"
summary "- smoke test passed: \`${IMAGE_REF}\` (${version}, uid ${uid}, attempt ${attempt} of ${attempts})"
