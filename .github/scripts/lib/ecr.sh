# shellcheck shell=bash
# ECR helpers on top of the AWS CLI (it honours AWS_REGION/AWS_DEFAULT_REGION and
# AWS_ENDPOINT_URL_ECR). Needs common.sh, jq and ECR_REPOSITORY. Sourced, never run.
#
# The repository state is read once into two maps (tag -> digest, digest -> "tag,tag,"), tags
# move by manifest (batch-get-image then put-image with the manifest's media type: no pull, no
# push, no rebuild) and every move is compare-then-put: ECR refuses to put a tag on the digest it
# already names, and a re-run must be a no-op.

# DIGEST_PUSHED: digest -> push time (epoch seconds), for cleanup's newest-first order.
# shellcheck disable=SC2034
declare -gA TAG_DIGEST=() DIGEST_TAGS=() DIGEST_PUSHED=()
ECR_REGISTRY_ID=""    # the account id owning the repository, as describe-images reports it
ECR_REGISTRY_OWNER="" # the account id to address (--registry-id); empty = the caller's own
export AWS_PAGER="" # AWS CLI v2 would page long output
ECR_WORK="$(mktemp -d)"
trap 'rm -rf "$ECR_WORK"' EXIT

# Manifest media types ECR may return; asking for all of them avoids any format conversion.
ACCEPTED_MEDIA_TYPES=(
  application/vnd.oci.image.manifest.v1+json
  application/vnd.oci.image.index.v1+json
  application/vnd.docker.distribution.manifest.v2+json
  application/vnd.docker.distribution.manifest.list.v2+json
  application/vnd.docker.distribution.manifest.v1+json
)

# ecr_use REPOSITORY [REGISTRY_ID] -> work on another repository (and account) from now on; the
# state maps must be loaded again.
ecr_use() {
  ECR_REPOSITORY="$1"
  ECR_REGISTRY_OWNER="${2:-}"
  [[ -z "$ECR_REGISTRY_OWNER" || "$ECR_REGISTRY_OWNER" =~ ^[0-9]{12}$ ]] ||
    die "malformed registry id '$(safe "$ECR_REGISTRY_OWNER")' (expected a 12-digit AWS account id)"
  TAG_DIGEST=() DIGEST_TAGS=() DIGEST_PUSHED=()
}

# The repository the production pointers live in: PRODUCTION_REPOSITORY (its own repository, maybe
# in PRODUCTION_REGISTRY_ID's account) or, in the single-repository layout, ECR_REPOSITORY.
ecr_use_production() {
  ecr_use "${PRODUCTION_REPOSITORY:-$ECR_REPOSITORY}" "${PRODUCTION_REGISTRY_ID:-}"
}

# aws_ecr OPERATION ARGS... -> stdout of `aws ecr`; on error, one line naming the operation and
# the service's own reason (the AWS CLI's last stderr line).
aws_ecr() {
  local op="$1" err="$ECR_WORK/stderr"
  shift
  if ! aws ecr "$op" --repository-name "$ECR_REPOSITORY" ${ECR_REGISTRY_OWNER:+--registry-id "$ECR_REGISTRY_OWNER"} "$@" 2>"$err"; then
    die "ECR ${op} on repository '${ECR_REPOSITORY}' failed: $(grep -v '^[[:space:]]*$' "$err" | tail -n 1)"
  fi
}

# Read every image of the repository (the CLI follows pagination) into the maps.
ecr_load_state() {
  local listing digest tags pushed tag
  local -a taglist
  TAG_DIGEST=() DIGEST_TAGS=() DIGEST_PUSHED=()
  listing="$(aws_ecr describe-images --output text \
    --query "imageDetails[].[join('|', [imageDigest, join(',', imageTags || \`[]\`), to_string(imagePushedAt), registryId])]")"
  while IFS='|' read -r digest tags pushed registry; do
    [[ -n "$digest" && "$digest" != "None" ]] || continue
    ECR_REGISTRY_ID="$registry"
    DIGEST_TAGS["$digest"]="${tags:+$tags,}"
    # shellcheck disable=SC2034 # read by cleanup.sh
    DIGEST_PUSHED["$digest"]="$(epoch_seconds "$pushed")"
    IFS=',' read -r -a taglist <<<"$tags"
    for tag in "${taglist[@]}"; do
      [[ -n "$tag" ]] && TAG_DIGEST["$tag"]="$digest"
    done
  done <<<"$listing"
}

# epoch_seconds VALUE -> whole seconds since 1970. AWS CLI v1 prints the wire value (epoch
# seconds, maybe with a fraction); v2 prints ISO 8601 by default.
epoch_seconds() {
  if [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    printf '%s\n' "${1%%.*}"
  else
    date -u -d "$1" +%s 2>/dev/null || die "unreadable push time '$(safe "$1")' from ECR"
  fi
}

short() {
  printf '%s' "${1#sha256:}" | cut -c1-12
}

# manifest_media_type MANIFEST_FILE REPORTED -> the media type to put the manifest back with:
# what ECR reported, else the manifest's own mediaType, else inferred from its content (OCI
# manifests and indexes may omit the top-level mediaType).
manifest_media_type() {
  local file="$1" reported="$2"
  if [[ -n "$reported" ]]; then
    printf '%s\n' "$reported"
    return
  fi
  jq -r '
    if (.mediaType // "") != "" then .mediaType
    elif has("manifests") then "application/vnd.oci.image.index.v1+json"
    elif (.config.mediaType // "") == "application/vnd.docker.container.image.v1+json"
      then "application/vnd.docker.distribution.manifest.v2+json"
    else "application/vnd.oci.image.manifest.v1+json" end' "$file"
}

# ecr_fetch_manifests DIGEST... -> for each digest not fetched yet, write $ECR_WORK/<hex>.manifest
# (the exact bytes) and <hex>.type, all in one batch-get-image call.
ecr_fetch_manifests() {
  local digest response="$ECR_WORK/batch.json" count i
  local -a ids=()
  for digest in "$@"; do
    [[ -f "$ECR_WORK/${digest#sha256:}.manifest" || " ${ids[*]} " == *" imageDigest=$digest "* ]] ||
      ids+=("imageDigest=$digest")
  done
  [[ ${#ids[@]} -gt 0 ]] || return 0
  aws_ecr batch-get-image --output json --image-ids "${ids[@]}" \
    --accepted-media-types "${ACCEPTED_MEDIA_TYPES[@]}" >"$response"
  count="$(jq '.images | length' "$response")"
  for ((i = 0; i < count; i++)); do
    digest="$(jq -r ".images[$i].imageId.imageDigest" "$response")"
    jq -j ".images[$i].imageManifest" "$response" >"$ECR_WORK/${digest#sha256:}.manifest"
    manifest_media_type "$ECR_WORK/${digest#sha256:}.manifest" \
      "$(jq -r ".images[$i].imageManifestMediaType // empty" "$response")" >"$ECR_WORK/${digest#sha256:}.type"
  done
  for digest in "$@"; do
    [[ -f "$ECR_WORK/${digest#sha256:}.manifest" ]] ||
      die "image ${digest} is not in ECR repository '${ECR_REPOSITORY}' ($(jq -r '.failures[0].failureReason // "not found"' "$response"))"
  done
}

# ecr_put_tag DIGEST TAG -> make TAG name DIGEST (compare-then-put) and assert the result.
ecr_put_tag() {
  local digest="$1" tag="$2" base="$ECR_WORK/${1#sha256:}" result
  if [[ "${TAG_DIGEST[$tag]:-}" == "$digest" ]]; then
    log "= ${tag} already names $(short "$digest")"
    return
  fi
  ecr_fetch_manifests "$digest"
  if ! result="$(aws ecr put-image --repository-name "$ECR_REPOSITORY" --image-tag "$tag" \
    ${ECR_REGISTRY_OWNER:+--registry-id "$ECR_REGISTRY_OWNER"} \
    --image-manifest "file://$base.manifest" --image-manifest-media-type "$(cat "$base.type")" \
    --image-digest "$digest" --query 'image.imageId.imageDigest' --output text 2>"$ECR_WORK/stderr")"; then
    # A concurrent writer already put this exact tag on this exact digest: that is the goal.
    if grep -q ImageAlreadyExistsException "$ECR_WORK/stderr"; then
      result="$digest"
    else
      die "ECR put-image of ${tag} failed: $(grep -v '^[[:space:]]*$' "$ECR_WORK/stderr" | tail -n 1)"
    fi
  fi
  [[ "$result" == "$digest" ]] ||
    die "put-image of ${tag} produced ${result}, not ${digest}: the manifest did not round-trip"
  log "> ${tag} now names $(short "$digest") (was $(short "${TAG_DIGEST[$tag]:-none}"))"
  TAG_DIGEST["$tag"]="$digest"
}

# ecr_expect TAG DIGEST... pairs -> re-read ECR and fail unless every TAG names its DIGEST.
ecr_expect() {
  ecr_load_state
  while [[ $# -ge 2 ]]; do
    [[ "${TAG_DIGEST[$1]:-}" == "$2" ]] ||
      die "verification failed: ${1} names '${TAG_DIGEST[$1]:-nothing}', expected ${2}"
    shift 2
  done
}

# ecr_output_image_url DIGEST -> step output image_url: the AWS console page of DIGEST. The deploy
# jobs use it as their environment url, which GitHub keeps on the deployment status
# (environment_url): that is how the console tells which image, so which target, a deployment shipped.
# Called after the tags moved: a URL it cannot build is a warning, never a failed deploy.
ecr_output_image_url() {
  local digest="$1" region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  # Both end up in $GITHUB_OUTPUT: a stray newline would forge another output.
  if [[ ! "$region" =~ ^[a-z0-9-]+$ || ! "$ECR_REGISTRY_ID" =~ ^[0-9]{12}$ ]]; then
    printf '::warning::no environment url: region %s, registry id %s\n' \
      "'$(safe "$region")'" "'$(safe "$ECR_REGISTRY_ID")'"
    return 0
  fi
  output image_url "https://${region}.console.aws.amazon.com/ecr/repositories/private/${ECR_REGISTRY_ID}/${ECR_REPOSITORY}/_/image/${digest}/details?region=${region}"
}

# release_version_of DIGEST TARGET -> the highest <version> among DIGEST's <version>-TARGET tags,
# or nothing (not a release of TARGET).
release_version_of() {
  local tag found best=""
  local -a list
  IFS=',' read -r -a list <<<"${DIGEST_TAGS[$1]:-}"
  for tag in "${list[@]}"; do
    [[ "$tag" == v*"-$2" ]] || continue
    found="${tag%-"$2"}"
    [[ "$found" =~ ^v[0-9]+(\.[0-9]+){0,2}([-.][0-9A-Za-z]+)*$ ]] || continue
    [[ -z "$best" || "$(version_cmp "$found" "$best")" == 1 ]] && best="$found"
  done
  printf '%s' "$best"
}

# registry_host -> the registry host name of the current repository's account (for image
# references): ECR_REGISTRY (the login step's output) for the caller's own account.
registry_host() {
  local region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
  if [[ -n "$ECR_REGISTRY_OWNER" ]]; then
    printf '%s.dkr.ecr.%s.amazonaws.com' "$ECR_REGISTRY_OWNER" "$region"
  else
    printf '%s' "${ECR_REGISTRY:-${ECR_REGISTRY_ID}.dkr.ecr.${region}.amazonaws.com}"
  fi
}

# Protected images carry a pointer tag: what an environment runs or may roll back to.
protection_of() {
  local tag tags="${DIGEST_TAGS[$1]:-}"
  local -a list
  IFS=',' read -r -a list <<<"$tags"
  for tag in "${list[@]}"; do
    case "$tag" in
      latest-* | previous-* | staging-*)
        printf '%s\n' "$tag"
        return
        ;;
    esac
  done
}

# ecr_delete_unprotected DIGEST... -> re-read ECR, delete the given digests that carry no pointer
# tag, refuse the others. Sets DELETED, REFUSED ("digest (tag)") and GONE arrays.
declare -ga DELETED=() REFUSED=() GONE=()
ecr_delete_unprotected() {
  local digest tag reason
  local -a doomed=() ids=()
  DELETED=() REFUSED=() GONE=()
  ecr_load_state # protection is decided now, at delete time, not when the list was made
  for digest in "$@"; do
    if [[ -z "${DIGEST_TAGS[$digest]+set}" ]]; then
      GONE+=("$digest")
      continue
    fi
    tag="$(protection_of "$digest")"
    if [[ -n "$tag" ]]; then
      REFUSED+=("$digest ($tag)")
    else
      doomed+=("$digest")
    fi
  done
  while [[ ${#doomed[@]} -gt 0 ]]; do # batch-delete-image takes at most 100 ids
    ids=()
    for digest in "${doomed[@]:0:100}"; do ids+=("imageDigest=$digest"); done
    doomed=("${doomed[@]:100}")
    reason="$(aws_ecr batch-delete-image --image-ids "${ids[@]}" --output text \
      --query "failures[].join(' ', [imageId.imageDigest || '', failureCode || '', failureReason || ''])")"
    [[ -z "$reason" || "$reason" == "None" ]] || die "ECR refused a delete: $(head -n 1 <<<"$reason")"
    for digest in "${ids[@]}"; do DELETED+=("${digest#imageDigest=}"); done
  done
  ecr_load_state
  for digest in "${DELETED[@]}"; do
    [[ -z "${DIGEST_TAGS[$digest]+set}" ]] || die "verification failed: ${digest} is still in the repository"
  done
}
