#!/usr/bin/env bash
# Delete exactly the given image digests, re-checking protection at delete time: an image that
# carries a latest-/previous-/staging- tag is refused (and the job fails after deleting the rest).
# A digest already gone is reported, not an error, so a re-run succeeds.
# Env: ECR_REPOSITORY, DIGESTS (comma-separated sha256:<64 hex>).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY
mapfile -t digests < <(validate_digests "${DIGESTS:-}")
[[ ${#digests[@]} -gt 0 ]] || exit 1 # validate_digests already said why

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
ecr_delete_unprotected "${digests[@]}"

summary "| digest | result |" "|---|---|"
for digest in "${DELETED[@]}"; do log "- deleted ${digest}"; summary "| \`${digest}\` | deleted |"; done
for digest in "${GONE[@]}"; do log "= already gone ${digest}"; summary "| \`${digest}\` | already gone |"; done
for item in "${REFUSED[@]}"; do log "! refused ${item}"; summary "| \`${item%% *}\` | refused: protected ${item#* } |"; done
output deleted "${#DELETED[@]}"
[[ ${#REFUSED[@]} -eq 0 ]] ||
  die "refused to delete ${#REFUSED[@]} protected image(s): ${REFUSED[*]}; deleted ${#DELETED[@]}"
log "deleted ${#DELETED[@]} image(s)"
