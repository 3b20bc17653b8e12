#!/usr/bin/env bash
# Staging: point staging-<target> at the digest CD pushed, scanned and smoke-tested for a commit,
# unless staging already runs a NEWER commit (CI runs for two pushes can finish out of order; a
# re-run of an old one too): staging-<target> never moves to an ancestor of the commit it runs.
# The commit staging runs is read from its image's build tag; the order from git (the checkout
# has the history). A commit git cannot place (history rewritten) moves staging, with a warning.
# Env: ECR_REPOSITORY, DEPLOY_TARGETS, TARGET, HEAD_SHA, IMAGE_DIGEST (git: the working directory
# or GIT_DIR). Outputs: digest, moved (true/false), image_url (the AWS console page of what
# staging now runs: the staging environment url).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS TARGET HEAD_SHA IMAGE_DIGEST
chosen="$(resolve_targets "${TARGET:-}" "$DEPLOY_TARGETS")"
[[ "$chosen" != *$'\n'* ]] || die "stage one target at a time, not '$(safe "${TARGET:-}")'"
validate_sha "$HEAD_SHA"
digest="$(validate_digests "$IMAGE_DIGEST")"

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
build_tag="sha-${HEAD_SHA}-${chosen}"
pointer="staging-${chosen}"
ecr_load_state
[[ "${TAG_DIGEST[$build_tag]:-}" == "$digest" ]] ||
  die "${build_tag} names '${TAG_DIGEST[$build_tag]:-nothing}', not the tested ${digest}"

# staged_commit DIGEST -> the commit of DIGEST's build tag for this target, or nothing.
staged_commit() {
  local tag
  local -a list
  IFS=',' read -r -a list <<<"${DIGEST_TAGS[$1]:-}"
  for tag in "${list[@]}"; do
    [[ "$tag" =~ ^sha-([0-9a-f]{40})-"$chosen"$ ]] && printf '%s' "${BASH_REMATCH[1]}" && return
  done
  return 0
}

current="${TAG_DIGEST[$pointer]:-}"
running="$([[ -z "$current" ]] || staged_commit "$current")"
if [[ -n "$running" && "$running" != "$HEAD_SHA" && "$current" != "$digest" ]]; then
  if ! git cat-file -e "${running}^{commit}" 2>/dev/null || ! git cat-file -e "${HEAD_SHA}^{commit}" 2>/dev/null; then
    printf '::warning::%s\n' "cannot tell whether ${HEAD_SHA} is newer than ${running} (not in this history); moving ${pointer}"
  elif git merge-base --is-ancestor "$HEAD_SHA" "$running"; then
    log "= ${pointer} stays on ${running}: ${HEAD_SHA} is older (staging never moves back)"
    summary "| ${chosen} | \`${build_tag}\` | not staged: staging runs the newer ${running} |"
    output digest "$digest"
    output moved false
    ecr_output_image_url "$current"
    exit 0
  fi
fi
ecr_put_tag "$digest" "$pointer"
ecr_expect "$pointer" "$digest" "$build_tag" "$digest"
output digest "$digest"
output moved true
ecr_output_image_url "$digest"
summary "| ${chosen} | \`${build_tag}\` | \`${digest}\` |"
