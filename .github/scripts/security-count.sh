#!/usr/bin/env bash
# Count the findings in one scanner report and expose the count as the step output "count".
# Env: REPORT_FORMAT (trivy | grype | sarif), REPORT_FILE, LABEL (for the job summary).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env REPORT_FORMAT REPORT_FILE
[[ -s "$REPORT_FILE" ]] || die "report ${REPORT_FILE} is missing or empty: the scanner did not finish"
# shellcheck disable=SC2016 # the $s in the grype filter is jq's variable
case "$REPORT_FORMAT" in
  # Trivy JSON: vulnerabilities, secrets and failed misconfigurations of every result.
  trivy) filter='[.Results[]? | ((.Vulnerabilities // []) | length) + ((.Secrets // []) | length)
           + ((.Misconfigurations // []) | map(select(.Status == "FAIL")) | length)] | add // 0' ;;
  # Grype JSON lists every match whatever severity-cutoff/only-fixed say (they only decide the
  # exit code): count what the issue tracks, fixable medium and up, or it could never close.
  grype) filter='[.matches[]? | select((.vulnerability.severity // "" | ascii_downcase) as $s
           | ["medium", "high", "critical"] | index($s)) | select(.vulnerability.fix.state == "fixed")] | length' ;;
  sarif) filter='[.runs[]? | (.results // []) | length] | add // 0' ;;
  *) die "unknown report format '$(safe "$REPORT_FORMAT")' (expected trivy, grype or sarif)" ;;
esac
count="$(jq "$filter" "$REPORT_FILE")" || die "report ${REPORT_FILE} is not valid ${REPORT_FORMAT} JSON"
output count "$count"
summary "- ${LABEL:-$REPORT_FILE}: ${count} finding(s)"
log "${LABEL:-$REPORT_FILE}: ${count} finding(s)"
