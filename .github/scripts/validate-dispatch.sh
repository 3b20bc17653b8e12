#!/usr/bin/env bash
# Check a CD workflow_dispatch before any job touches AWS; fail with one line naming the problem.
# Env: OPERATION (rollback|prune), TARGETS, TO_VERSION, DIGESTS, REQUEST_ID, REASON,
# DEPLOY_TARGETS, GITHUB_REF. Outputs: targets (JSON array, the rollback matrix), digests.
# Inputs that do not apply to the operation are ignored.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env DEPLOY_TARGETS
[[ "${GITHUB_REF:-refs/heads/main}" == refs/heads/main ]] ||
  die "dispatch CD on main, not '$(safe "${GITHUB_REF:-}")': operations run the reviewed scripts of main"
[[ "${REQUEST_ID:-}" =~ ^[A-Za-z0-9._:-]{0,100}$ ]] ||
  die "malformed request_id '$(safe "${REQUEST_ID:-}")' (letters, digits and . _ : - only)"

case "${OPERATION:-}" in
  rollback)
    mapfile -t chosen < <(resolve_targets "${TARGETS:-}" "$DEPLOY_TARGETS")
    [[ ${#chosen[@]} -gt 0 ]] || exit 1 # resolve_targets already said why
    [[ -z "${TO_VERSION:-}" ]] || validate_version "$TO_VERSION"
    json="$(printf '"%s",' "${chosen[@]}")" # names are checked against DEPLOY_TARGETS: no quoting needed
    output targets "[${json%,}]"
    detail="targets ${chosen[*]} to ${TO_VERSION:-their previous image}"
    ;;
  prune)
    mapfile -t digests < <(validate_digests "${DIGESTS:-}")
    [[ ${#digests[@]} -gt 0 ]] || exit 1 # validate_digests already said why
    output targets "[]"
    output digests "$(
      IFS=,
      printf '%s' "${digests[*]}"
    )"
    detail="${#digests[@]} image(s)"
    ;;
  *) die "unknown operation '$(safe "${OPERATION:-}")' (expected rollback or prune)" ;;
esac

reason="$(printf '%s' "${REASON:-}" | tr -d '`\r' | tr '\n' ' ' | cut -c1-300)"
log "${OPERATION}: ${detail} [${REQUEST_ID:-no request id}]"
summary "### ${OPERATION}: ${detail}" "" "- request: \`${REQUEST_ID:-none}\`" "- reason: \`${reason:-none given}\`"
