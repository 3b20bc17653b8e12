#!/usr/bin/env bash
# Staging: push the image CI built (a `docker save` archive) under its immutable build tag
# sha-<HEAD_SHA>-<TARGET> and print the digest ECR stored. The tag is never overwritten: a re-run
# reuses the digest already pushed for this commit. Then drop every local copy, so the smoke test
# pulls what the registry really holds.
# Env: IMAGE_ARCHIVE, LOCAL_IMAGE, ECR_REGISTRY, ECR_REPOSITORY, DEPLOY_TARGETS, TARGET, HEAD_SHA.
# Output: digest, image (registry/repository@digest).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env IMAGE_ARCHIVE LOCAL_IMAGE ECR_REGISTRY ECR_REPOSITORY DEPLOY_TARGETS TARGET HEAD_SHA
target="$(resolve_targets "${TARGET:-}" "$DEPLOY_TARGETS")"
validate_sha "$HEAD_SHA"
[[ -f "$IMAGE_ARCHIVE" ]] || die "image archive ${IMAGE_ARCHIVE} is missing: did the CI artifact expire or fail to download?"

tag="sha-${HEAD_SHA}-${target}"
remote="${ECR_REGISTRY}/${ECR_REPOSITORY}"
existing="$(aws ecr describe-images --repository-name "$ECR_REPOSITORY" --image-ids "imageTag=${tag}" \
  --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)"
if [[ "$existing" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  log "= ${tag} already pushed as ${existing}; build tags are immutable, reusing it"
  digest="$existing"
else
  docker load --input "$IMAGE_ARCHIVE"
  docker tag "$LOCAL_IMAGE" "${remote}:${tag}"
  docker push --quiet "${remote}:${tag}"
  digest="$(aws ecr describe-images --repository-name "$ECR_REPOSITORY" --image-ids "imageTag=${tag}" \
    --query 'imageDetails[0].imageDigest' --output text)"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || die "ECR has no digest for ${tag} after the push"
  docker image rm --force "$LOCAL_IMAGE" "${remote}:${tag}" >/dev/null
fi
output digest "$digest"
output image "${remote}@${digest}"
log "pushed ${tag} = ${digest}"
