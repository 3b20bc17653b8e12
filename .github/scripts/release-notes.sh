#!/usr/bin/env bash
# Publish the GitHub release for a production tag: generated notes plus the exact digest that
# each target now runs (fragments written by the production jobs). Re-runs leave it alone.
# Env: GH_TOKEN, GH_REPO, VERSION, NOTES_DIR (one <target>.md fragment per target).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env GH_TOKEN GH_REPO VERSION NOTES_DIR
validate_version "$VERSION"
if gh release view "$VERSION" >/dev/null 2>&1; then
  log "release ${VERSION} already exists; leaving it as it is"
  exit 0
fi
notes="$(mktemp)"
trap 'rm -f "$notes"' EXIT
{
  printf '## Images\n\nPromoted from staging without a rebuild (ECR tags %s and %s):\n\n' \
    "\`${VERSION}-<target>\`" "\`latest-<target>\`"
  printf '| target | digest |\n|---|---|\n'
  cat "$NOTES_DIR"/*.md 2>/dev/null || true
  printf '\n'
} >"$notes"
flags=(--verify-tag --title "$VERSION" --generate-notes --notes-file "$notes")
[[ "$VERSION" != *-* ]] || flags+=(--prerelease)
gh release create "$VERSION" "${flags[@]}"
log "published release ${VERSION}"
