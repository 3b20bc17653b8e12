#!/usr/bin/env bash
# Count the findings in one scanner report and expose the count as the step output "count".
# Env: REPORT_FORMAT (trivy | grype | sarif), REPORT_FILE, LABEL (for the job summary).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env REPORT_FORMAT REPORT_FILE
[[ -s "$REPORT_FILE" ]] || die "report ${REPORT_FILE} is missing or empty: the scanner did not finish"
case "$REPORT_FORMAT" in
  # Trivy JSON: vulnerabilities, secrets and failed misconfigurations of every result.
  trivy) filter='[.Results[]? | ((.Vulnerabilities // []) | length) + ((.Secrets // []) | length)
           + ((.Misconfigurations // []) | map(select(.Status == "FAIL")) | length)] | add // 0' ;;
  grype) filter='.matches // [] | length' ;;
  sarif) filter='[.runs[]? | (.results // []) | length] | add // 0' ;;
  *) die "unknown report format '$(safe "$REPORT_FORMAT")' (expected trivy, grype or sarif)" ;;
esac
count="$(jq "$filter" "$REPORT_FILE")" || die "report ${REPORT_FILE} is not valid ${REPORT_FORMAT} JSON"
output count "$count"
summary "- ${LABEL:-$REPORT_FILE}: ${count} finding(s)"
log "${LABEL:-$REPORT_FILE}: ${count} finding(s)"
