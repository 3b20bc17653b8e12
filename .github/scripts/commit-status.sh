#!/usr/bin/env bash
# Record a commit status, e.g. staging/<target> = success "smoke-tested <digest>" after CD staging
# (the production gate reads it back with staging-gate.sh).
# Env: GH_TOKEN, GH_REPO, HEAD_SHA, CONTEXT, STATE (success|failure|error|pending), DESCRIPTION,
# TARGET_URL (optional).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env GH_TOKEN GH_REPO HEAD_SHA CONTEXT STATE
validate_sha "$HEAD_SHA"
[[ "$STATE" =~ ^(success|failure|error|pending)$ ]] || die "unknown commit status state '$(safe "$STATE")'"
args=(-f "state=${STATE}" -f "context=${CONTEXT}" -f "description=${DESCRIPTION:-}")
[[ -z "${TARGET_URL:-}" ]] || args+=(-f "target_url=${TARGET_URL}")
gh api --method POST "repos/${GH_REPO}/statuses/${HEAD_SHA}" "${args[@]}" --silent ||
  die "could not set commit status ${CONTEXT} on ${HEAD_SHA}"
log "${CONTEXT} = ${STATE} on ${HEAD_SHA}"
