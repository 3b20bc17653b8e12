#!/usr/bin/env bash
# What production runs, for the weekly scan: the digest each latest-<target> names, as a JSON
# matrix [{"target": …, "image": "registry/repository@sha256:…"}] (output images; count). A target
# never released is left out (and said so); none released at all is an empty list, not an error.
# Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID (optional), ECR_REGISTRY,
# DEPLOY_TARGETS.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS
mapfile -t targets < <(resolve_targets all "$DEPLOY_TARGETS")
[[ ${#targets[@]} -gt 0 ]] || exit 1

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
ecr_use_production
ecr_load_state
items=()
for target in "${targets[@]}"; do
  digest="${TAG_DIGEST[latest-${target}]:-}"
  if [[ -z "$digest" ]]; then
    log "${target}: no latest-${target} in '${ECR_REPOSITORY}' (never released): nothing to scan"
    continue
  fi
  items+=("$(jq -cn --arg target "$target" --arg image "$(registry_host)/${ECR_REPOSITORY}@${digest}" \
    '{target: $target, image: $image}')")
  log "${target}: production runs ${digest}"
  summary "- ${target}: \`${digest}\` (latest-${target})"
done
output images "$(printf '%s\n' "${items[@]}" | jq -cs 'map(select(. != null))')"
output count "${#items[@]}"
