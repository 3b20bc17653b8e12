#!/usr/bin/env bash
# CI summary: one table of every gate's result; fails when any gate failed or was cancelled, so
# branch protection can require this single check.
# Env: NEEDS_JSON (the `needs` context as JSON), TITLE (default "CI").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env NEEDS_JSON
table="$(jq -r 'to_entries[] | "| \(.key) | \(.value.result) |"' <<<"$NEEDS_JSON")" ||
  die "NEEDS_JSON is not the needs context"
summary "## ${TITLE:-CI}" "" "| job | result |" "|---|---|" "$table"
log "$table"
failed="$(jq -r '[to_entries[] | select(.value.result == "failure" or .value.result == "cancelled") | .key] | join(", ")' <<<"$NEEDS_JSON")"
[[ -z "$failed" ]] || die "${TITLE:-CI} failed: ${failed}"
