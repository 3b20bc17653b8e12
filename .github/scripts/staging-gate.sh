#!/usr/bin/env bash
# Release gate: the tagged commit must have passed staging for EVERY target. CD's staging job
# marks that with the commit status "staging/<target>" (success, description "smoke-tested
# <digest>") after the smoke test of the pushed digest. Prints each tested digest, or fails in one
# line naming the first target that did not pass: nothing is promoted for anyone then.
# Env: GH_TOKEN, GH_REPO, HEAD_SHA, TARGETS (comma list or "all"; TARGET is read as one target),
# DEPLOY_TARGETS. Outputs: digests ("target=sha256:…,…"), and digest when one target was asked.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env GH_TOKEN GH_REPO HEAD_SHA DEPLOY_TARGETS
mapfile -t chosen < <(resolve_targets "${TARGETS:-${TARGET:-}}" "$DEPLOY_TARGETS")
[[ ${#chosen[@]} -gt 0 ]] || exit 1 # resolve_targets already said why
validate_sha "$HEAD_SHA"

statuses="$(mktemp)"
trap 'rm -f "$statuses"' EXIT
gh api --paginate "repos/${GH_REPO}/commits/${HEAD_SHA}/statuses?per_page=100" >"$statuses" ||
  die "could not read the commit statuses of ${HEAD_SHA} from ${GH_REPO}"
pairs=()
for target in "${chosen[@]}"; do
  # Statuses come newest first; the latest one for the context decides.
  read -r state digest < <(jq -rs --arg context "staging/${target}" '
    [add[] | select(.context == $context)][0] // {state: "none", description: ""}
    | [.state, ([(.description // "") | match("sha256:[0-9a-f]{64}").string][0] // "-")] | @tsv' "$statuses")
  [[ "$state" == success && "$digest" != - ]] ||
    die "commit ${HEAD_SHA} never passed staging for '${target}' (commit status staging/${target}: ${state}); push it to main and let CD staging finish first"
  pairs+=("${target}=${digest}")
  log "staging tested ${target} at ${digest} for ${HEAD_SHA}"
done
output digests "$(
  IFS=,
  printf '%s' "${pairs[*]}"
)"
[[ ${#chosen[@]} -ne 1 ]] || output digest "${pairs[0]#*=}"
