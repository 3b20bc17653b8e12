#!/usr/bin/env bash
# Roll targets back, each to its OWN previous-<target> (default) or <TO_VERSION>-<target>: never
# one target's digest onto another. previous-<target> is left alone, so a re-run is a no-op.
# Works in the production repository (PRODUCTION_REPOSITORY, else ECR_REPOSITORY). REASON (why:
# the operator's words, or the failed smoke test) is recorded in the log, the summary and an output.
# Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID (optional), ECR_REGISTRY,
# DEPLOY_TARGETS, TARGETS (comma list or "all"), TO_VERSION (optional), REASON (optional).
# Outputs: from_<target>, to_<target>, reason (and from / to / image / image_url with a single
# target; image is registry/repository@digest, image_url the AWS console page of what production
# now runs, the environment url).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS
mapfile -t chosen < <(resolve_targets "${TARGETS:-}" "$DEPLOY_TARGETS")
[[ ${#chosen[@]} -gt 0 ]] || exit 1 # resolve_targets already said why
[[ -z "${TO_VERSION:-}" ]] || validate_version "$TO_VERSION"

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
ecr_use_production
ecr_load_state
reason="$(printf '%s' "${REASON:-}" | tr -d '`\r' | tr '\n' ' ' | cut -c1-300)"
reason="${reason:-no reason given}"

declare -A to=()
for target in "${chosen[@]}"; do # resolve every target first: all or nothing
  ref="${TO_VERSION:+${TO_VERSION}-${target}}"
  ref="${ref:-previous-${target}}"
  to[$target]="${TAG_DIGEST[$ref]:-}"
  [[ -n "${to[$target]}" ]] ||
    die "cannot roll back '${target}': ${ref} does not exist in ECR repository '${ECR_REPOSITORY}'"
done

needed=() # one batch-get-image for every target that has to move
for target in "${chosen[@]}"; do
  [[ "${TAG_DIGEST[latest-${target}]:-}" == "${to[$target]}" ]] || needed+=("${to[$target]}")
done
ecr_fetch_manifests "${needed[@]}"

summary "| target | from | to |" "|---|---|---|"
expect=()
for target in "${chosen[@]}"; do
  from="${TAG_DIGEST[latest-${target}]:-}"
  ecr_put_tag "${to[$target]}" "latest-${target}"
  expect+=("latest-${target}" "${to[$target]}")
  output "from_${target}" "$from"
  output "to_${target}" "${to[$target]}"
  if [[ ${#chosen[@]} -eq 1 ]]; then
    output from "$from"
    output to "${to[$target]}"
    output image "$(registry_host)/${ECR_REPOSITORY}@${to[$target]}"
    ecr_output_image_url "${to[$target]}"
  fi
  summary "| ${target} | \`${from:-none}\` | \`${to[$target]}\` |"
done
ecr_expect "${expect[@]}"
output reason "$reason"
summary "" "Reason: ${reason}"
log "rolled back ${chosen[*]}: ${reason}"
