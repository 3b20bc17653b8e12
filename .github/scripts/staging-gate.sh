#!/usr/bin/env bash
# Production gate: the tagged commit must have passed staging for TARGET. CD's staging job marks
# that with the commit status "staging/<target>" (success, description "smoke-tested <digest>")
# after the smoke test of the pushed digest; this prints that digest, or fails in one line.
# Env: GH_TOKEN, GH_REPO, HEAD_SHA, TARGET, DEPLOY_TARGETS. Output: digest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env GH_TOKEN GH_REPO HEAD_SHA TARGET DEPLOY_TARGETS
target="$(resolve_targets "${TARGET:-}" "$DEPLOY_TARGETS")"
validate_sha "$HEAD_SHA"

statuses="$(mktemp)"
trap 'rm -f "$statuses"' EXIT
gh api --paginate "repos/${GH_REPO}/commits/${HEAD_SHA}/statuses?per_page=100" >"$statuses" ||
  die "could not read the commit statuses of ${HEAD_SHA} from ${GH_REPO}"
# Statuses come newest first; the latest one for the context decides.
read -r state digest < <(jq -rs --arg context "staging/${target}" '
  [add[] | select(.context == $context)][0] // {state: "none", description: ""}
  | [.state, ([(.description // "") | match("sha256:[0-9a-f]{64}").string][0] // "-")] | @tsv' "$statuses")
[[ "$state" == success && "$digest" != - ]] ||
  die "commit ${HEAD_SHA} never passed staging for '${target}' (commit status staging/${target}: ${state}); push it to main and let CD staging finish first"
output digest "$digest"
log "staging tested ${target} at ${digest} for ${HEAD_SHA}"
