#!/usr/bin/env bash
# Keep ONE open issue (label "security-scan") in step with the latest scheduled/on-demand scan:
# open it when findings appear, update it (body + a comment) while they remain, close it with a
# comment once a scan is clean. A scan that did not finish counts as a problem too.
# Env: GH_TOKEN, GH_REPO, RUN_URL, SCANS (space-separated names, e.g. "secrets vulnerabilities"),
# and for each NAME: <NAME>_RESULT (job result) and <NAME>_FINDINGS (count), NAME upper-cased.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env GH_TOKEN GH_REPO RUN_URL SCANS
label="security-scan"
title="Security scan findings"
body="$(mktemp)"
trap 'rm -f "$body"' EXIT

total=0 problems=0
{
  printf 'The latest security scan (%s) reports:\n\n| scan | result | findings |\n|---|---|---|\n' "$RUN_URL"
  for scan in $SCANS; do
    key="$(printf '%s' "$scan" | tr '[:lower:]-' '[:upper:]_')"
    result_var="${key}_RESULT" findings_var="${key}_FINDINGS"
    result="${!result_var:-unknown}" findings="${!findings_var:-}"
    [[ "$findings" =~ ^[0-9]+$ ]] || findings="?"
    [[ "$findings" == "?" ]] || total=$((total + findings))
    [[ "$result" == success ]] || problems=$((problems + 1))
    printf '| %s | %s | %s |\n' "$scan" "$result" "$findings"
  done
  printf '\nReports (SARIF/JSON) and the SPDX SBOM are attached to the run as artifacts.\n'
  printf 'This issue is updated by every scan and closed by the first clean one.\n'
} >"$body"

existing="$(gh issue list --label "$label" --state open --json number --limit 1 | jq -r '.[0].number // empty')"
if [[ $total -eq 0 && $problems -eq 0 ]]; then
  if [[ -n "$existing" ]]; then
    gh issue close "$existing" --comment "The scan ${RUN_URL} is clean: closing."
    log "clean scan: closed issue #${existing}"
  else
    log "clean scan: nothing to report"
  fi
  exit 0
fi
if [[ -n "$existing" ]]; then
  gh issue edit "$existing" --body-file "$body" >/dev/null
  gh issue comment "$existing" --body "Still failing: ${total} finding(s), ${problems} scan(s) not clean in ${RUN_URL}." >/dev/null
  log "updated issue #${existing}: ${total} finding(s)"
else
  gh label create "$label" --color B60205 --description "Opened by the security workflow" --force >/dev/null
  gh issue create --title "$title" --label "$label" --body-file "$body"
  log "opened an issue: ${total} finding(s)"
fi
summary "Security findings: ${total}; scans not clean: ${problems}"
