#!/usr/bin/env bash
# Add up the per-image finding counts a matrix of scans left (one file per leg, a whole number
# each) and expose the total as the step output "count". A missing or unreadable count is a scan
# that did not finish: the total is then "?" (security-issue.sh counts it as not clean).
# Env: COUNTS_DIR, EXPECTED (how many legs ran).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env COUNTS_DIR EXPECTED
total=0 found=0
for file in "$COUNTS_DIR"/*.txt; do
  [[ -f "$file" ]] || continue
  count="$(tr -d '[:space:]' <"$file")"
  [[ "$count" =~ ^[0-9]+$ ]] || { output count "?"; die "unreadable finding count in $(basename "$file")"; }
  total=$((total + count)) found=$((found + 1))
done
if [[ "$found" -ne "$EXPECTED" ]]; then
  output count "?"
  die "${found} of ${EXPECTED} image scans reported a count: a scan did not finish"
fi
output count "$total"
log "${total} finding(s) in ${found} image(s)"
