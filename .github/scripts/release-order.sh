#!/usr/bin/env bash
# Release preflight, before anyone is asked to approve: for every target, the version may be
# released (release_check: not older than what production runs, release tags never move). Prints
# promote=false when production already runs this release everywhere (a re-run: nothing to do,
# nothing to approve), else promote=true. Reads the production repository only.
# Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID (optional), DEPLOY_TARGETS,
# VERSION, STAGED_DIGESTS ("target=sha256:…,…" from staging-gate.sh), ALLOW_OLDER (true/false).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS VERSION STAGED_DIGESTS
[[ "$VERSION" =~ ^v[0-9] ]] || die "'$(safe "$VERSION")' is not a release tag (releases are v<digit>…, e.g. v1.4.0)"
validate_version "$VERSION"
mapfile -t targets < <(resolve_targets all "$DEPLOY_TARGETS")
[[ ${#targets[@]} -gt 0 ]] || exit 1

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"
# shellcheck source=SCRIPTDIR/lib/release.sh
. "$here/lib/release.sh"
ecr_use_production
ecr_load_state

promote=false
for target in "${targets[@]}"; do
  digest="$(digest_for "$STAGED_DIGESTS" "$target")"
  [[ -n "$digest" ]] || die "no staged digest for '${target}' in STAGED_DIGESTS"
  validate_digests "$digest" >/dev/null
  state="$(release_check "$target" "$VERSION" "$digest")"
  [[ "$state" == released ]] || promote=true
  log "${target}: ${VERSION} = ${digest} ($([[ "$state" == released ]] && echo "already what production runs" || echo "to promote"))"
done
output promote "$promote"
if [[ "$promote" == false ]]; then
  log "production already runs ${VERSION} for every target: nothing to promote, nothing to approve"
  summary "Production already runs ${VERSION} for every target: nothing to promote."
fi
