#!/usr/bin/env bash
# Delete exactly the given image digests, re-checking protection at delete time: an image that
# carries a latest-/previous-/staging- tag is refused (and the job fails after deleting the rest).
# A digest already gone is reported, not an error, so a re-run succeeds. Two-repository layout:
# the digests are deleted from the production repository and from the build repository (a
# released image exists in both; each copy is protected, or not, by its own tags).
# Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID (optional), DIGESTS
# (comma-separated sha256:<64 hex>).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY
mapfile -t digests < <(validate_digests "${DIGESTS:-}")
[[ ${#digests[@]} -gt 0 ]] || exit 1 # validate_digests already said why

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
build_repository="$ECR_REPOSITORY"
ecr_use_production
repositories=("$ECR_REPOSITORY")
[[ "$ECR_REPOSITORY" == "$build_repository" && -z "$ECR_REGISTRY_OWNER" ]] || repositories+=("$build_repository")

declare -A present=()
deleted=0 refused=()
summary "| repository | digest | result |" "|---|---|---|"
for repository in "${repositories[@]}"; do
  if [[ "$repository" == "$build_repository" && ${#repositories[@]} -gt 1 ]]; then ecr_use "$repository"; fi
  ecr_delete_unprotected "${digests[@]}"
  for digest in "${DELETED[@]}"; do present[$digest]=1; log "- deleted ${digest} from ${repository}"; summary "| ${repository} | \`${digest}\` | deleted |"; done
  for item in "${REFUSED[@]}"; do
    present[${item%% *}]=1
    log "! refused ${item} in ${repository}"
    summary "| ${repository} | \`${item%% *}\` | refused: protected ${item#* } |"
  done
  deleted=$((deleted + ${#DELETED[@]}))
  refused+=("${REFUSED[@]}")
done
for digest in "${digests[@]}"; do
  [[ -n "${present[$digest]:-}" ]] && continue
  log "= already gone ${digest}"
  summary "| any | \`${digest}\` | already gone |"
done
output deleted "$deleted"
[[ ${#refused[@]} -eq 0 ]] ||
  die "refused to delete ${#refused[@]} protected image(s): ${refused[*]}; deleted ${deleted}"
log "deleted ${deleted} image(s)"
