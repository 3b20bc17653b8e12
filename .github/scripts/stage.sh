#!/usr/bin/env bash
# Staging: point staging-<target> at the digest CD pushed and smoke-tested for a commit.
# Env: ECR_REPOSITORY, DEPLOY_TARGETS, TARGET, HEAD_SHA, IMAGE_DIGEST.
# Outputs: digest, image_url (its AWS console page: the staging environment url).
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
ecr_load_state
[[ "${TAG_DIGEST[$build_tag]:-}" == "$digest" ]] ||
  die "${build_tag} names '${TAG_DIGEST[$build_tag]:-nothing}', not the tested ${digest}"
ecr_put_tag "$digest" "staging-${chosen}"
ecr_expect "staging-${chosen}" "$digest" "$build_tag" "$digest"
output digest "$digest"
ecr_output_image_url "$digest"
summary "| ${chosen} | \`${build_tag}\` | \`${digest}\` |"
