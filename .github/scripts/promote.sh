#!/usr/bin/env bash
# Production: promote, per target, the exact digest staging tested for the tagged commit
# (sha-<HEAD_SHA>-<target> in ECR_REPOSITORY). Two-repository layout (PRODUCTION_REPOSITORY set,
# maybe in another account): copy that digest into the production repository registry to
# registry, by digest (docker buildx imagetools create --prefer-index=false: a carbon copy, no
# pull, no rebuild), tagged <VERSION>-<target>. Then, in the production repository, retag by
# manifest: previous-<target> := the old latest (before latest moves, so a crash always leaves a
# rollback target), <VERSION>-<target>, latest-<target>. Refused, before anything moves, for every
# target: an untested digest, a moved release tag, a version older than production's (unless
# ALLOW_OLDER=true). A re-run is a no-op. Single-repository layout: the same without the copy.
# Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID (optional), ECR_REGISTRY (the
# login's registry host), DEPLOY_TARGETS, TARGETS (comma list or "all"), HEAD_SHA, VERSION,
# STAGED_DIGESTS ("target=sha256:…,…", optional: what staging reported testing; must match),
# ALLOW_OLDER. Outputs: digest / previous / moved / image / image_url (single target; image is
# registry/production-repository@digest, image_url its AWS console page, the environment url) and
# digest_<target> / previous_<target>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS TARGETS HEAD_SHA VERSION
mapfile -t chosen < <(resolve_targets "${TARGETS:-}" "$DEPLOY_TARGETS")
[[ ${#chosen[@]} -gt 0 ]] || exit 1 # resolve_targets already said why
validate_sha "$HEAD_SHA"
validate_version "$VERSION"

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
# shellcheck source=SCRIPTDIR/lib/release.sh
. "$here/lib/release.sh"
source_repository="$ECR_REPOSITORY"

# 1. The build repository: the build tag must name what staging tested.
ecr_load_state
source_host="$(registry_host)" # after the listing: it names the account when ECR_REGISTRY is unset
declare -A new=()
for target in "${chosen[@]}"; do
  build="sha-${HEAD_SHA}-${target}"
  new[$target]="${TAG_DIGEST[$build]:-}"
  [[ -n "${new[$target]}" ]] ||
    die "commit ${HEAD_SHA} never passed staging for '${target}': ${build} is not in ECR repository '${ECR_REPOSITORY}'"
  staged="$(digest_for "${STAGED_DIGESTS:-}" "$target")"
  [[ -z "$staged" || "${new[$target]}" == "$staged" ]] ||
    die "${build} names ${new[$target]}, but staging tested ${staged}: refusing to promote an untested image"
done

# 2. The production repository: check every target before moving anything (no half release).
ecr_use_production
two_repositories=false
[[ "$ECR_REPOSITORY" == "$source_repository" && -z "$ECR_REGISTRY_OWNER" ]] || two_repositories=true
ecr_load_state
for target in "${chosen[@]}"; do
  release_check "$target" "$VERSION" "${new[$target]}" >/dev/null
done

# 3. Copy what the production repository does not hold yet, by digest, tagged <VERSION>-<target>.
if [[ "$two_repositories" == true ]]; then
  copied=false
  for target in "${chosen[@]}"; do
    [[ -z "${DIGEST_TAGS[${new[$target]}]+set}" ]] || continue
    log "> copying ${new[$target]} from ${source_repository} to ${ECR_REPOSITORY} as ${VERSION}-${target}"
    docker buildx imagetools create --prefer-index=false \
      --tag "$(registry_host)/${ECR_REPOSITORY}:${VERSION}-${target}" \
      "${source_host}/${source_repository}@${new[$target]}" >&2 ||
      die "copying ${new[$target]} into ECR repository '${ECR_REPOSITORY}' failed (see the lines above)"
    copied=true
  done
  if [[ "$copied" == true ]]; then
    ecr_load_state
    for target in "${chosen[@]}"; do
      [[ -n "${DIGEST_TAGS[${new[$target]}]+set}" ]] ||
        die "the copy of ${new[$target]} is not in ECR repository '${ECR_REPOSITORY}': the registry changed its digest"
    done
    # Re-check under the fresh state: another release may have moved latest- meanwhile.
    for target in "${chosen[@]}"; do release_check "$target" "$VERSION" "${new[$target]}" >/dev/null; done
  fi
fi

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
  moved=false
  [[ "$old" == "$digest" ]] || moved=true
  output "digest_${target}" "$digest"
  output "previous_${target}" "$previous"
  if [[ ${#chosen[@]} -eq 1 ]]; then
    output digest "$digest"
    output previous "$previous"
    # false when latest- already named this digest: a failed smoke test then rolls nothing back.
    output moved "$moved"
    output image "$(registry_host)/${ECR_REPOSITORY}@${digest}"
    ecr_output_image_url "$digest"
  fi
  summary "| ${target} | \`${digest}\` | \`${previous:-none}\` |"
done
ecr_expect "${expect[@]}"
log "promoted ${VERSION} for ${chosen[*]} in ECR repository '${ECR_REPOSITORY}'"
