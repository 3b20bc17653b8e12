#!/usr/bin/env bash
# Production: promote, per target, the exact digest staging tested for the tagged commit
# (sha-<HEAD_SHA>-<target>) by retagging its manifest: previous-<target> := the old latest
# (written first, so a crash always leaves a rollback target), then <VERSION>-<target>, then
# latest-<target>. A re-run is a no-op. Nothing is pulled, pushed or rebuilt.
# Env: ECR_REPOSITORY, DEPLOY_TARGETS, TARGETS (comma list or "all"), HEAD_SHA, VERSION,
# STAGED_DIGEST (optional, one target only: the digest staging reported testing; must match).
# Outputs: digest / previous / image_url (single target; image_url is the promoted digest's AWS
# console page, the production environment url) and digest_<target> / previous_<target>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS TARGETS HEAD_SHA VERSION
mapfile -t chosen < <(resolve_targets "${TARGETS:-}" "$DEPLOY_TARGETS")
[[ ${#chosen[@]} -gt 0 ]] || exit 1 # resolve_targets already said why
validate_sha "$HEAD_SHA"
validate_version "$VERSION"
if [[ -n "${STAGED_DIGEST:-}" ]]; then
  [[ ${#chosen[@]} -eq 1 ]] || die "STAGED_DIGEST applies to one target, not ${#chosen[@]}"
  staged="$(validate_digests "$STAGED_DIGEST")"
fi

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
ecr_load_state

# Check every target before moving anything: no half-promoted release.
declare -A new=()
for target in "${chosen[@]}"; do
  build="sha-${HEAD_SHA}-${target}"
  release="${VERSION}-${target}"
  new[$target]="${TAG_DIGEST[$build]:-}"
  [[ -n "${new[$target]}" ]] ||
    die "commit ${HEAD_SHA} never passed staging for '${target}': ${build} is not in ECR repository '${ECR_REPOSITORY}'"
  [[ -z "${staged:-}" || "${new[$target]}" == "$staged" ]] ||
    die "${build} names ${new[$target]}, but staging tested ${staged}: refusing to promote an untested image"
  [[ -z "${TAG_DIGEST[$release]:-}" || "${TAG_DIGEST[$release]}" == "${new[$target]}" ]] ||
    die "${release} already names ${TAG_DIGEST[$release]}, not ${new[$target]}: release tags never move"
done

# One batch-get-image for every manifest the moves below need (new digests, old latest ones).
needed=()
for target in "${chosen[@]}"; do
  old="${TAG_DIGEST[latest-${target}]:-}"
  [[ "$old" == "${new[$target]}" && "${TAG_DIGEST[${VERSION}-${target}]:-}" == "${new[$target]}" ]] ||
    needed+=("${new[$target]}")
  [[ -z "$old" || "$old" == "${new[$target]}" || "${TAG_DIGEST[previous-${target}]:-}" == "$old" ]] ||
    needed+=("$old")
done
ecr_fetch_manifests "${needed[@]}"

summary "| target | promoted digest | previous |" "|---|---|---|"
expect=()
for target in "${chosen[@]}"; do
  digest="${new[$target]}"
  old="${TAG_DIGEST[latest-${target}]:-}"
  if [[ -n "$old" && "$old" != "$digest" ]]; then
    ecr_put_tag "$old" "previous-${target}"
    expect+=("previous-${target}" "$old")
  fi
  ecr_put_tag "$digest" "${VERSION}-${target}"
  ecr_put_tag "$digest" "latest-${target}"
  expect+=("${VERSION}-${target}" "$digest" "latest-${target}" "$digest")
  previous="${TAG_DIGEST[previous-${target}]:-}"
  output "digest_${target}" "$digest"
  output "previous_${target}" "$previous"
  if [[ ${#chosen[@]} -eq 1 ]]; then
    output digest "$digest"
    output previous "$previous"
    ecr_output_image_url "$digest"
  fi
  summary "| ${target} | \`${digest}\` | \`${previous:-none}\` |"
done
ecr_expect "${expect[@]}"
log "promoted ${VERSION} for ${chosen[*]}"
