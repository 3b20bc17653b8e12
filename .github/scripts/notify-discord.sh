#!/usr/bin/env bash
# Post PAYLOAD_FILE to the Discord webhook. The URL (a secret) goes to curl on stdin as a config
# line, never on a command line: it stays out of the process list, the shell trace and the log.
# Env: DISCORD_WEBHOOK_URL, PAYLOAD_FILE.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env DISCORD_WEBHOOK_URL PAYLOAD_FILE
[[ "$DISCORD_WEBHOOK_URL" =~ ^https?://[^[:space:]\"\\]+$ ]] ||
  die "DISCORD_WEBHOOK_URL is not a web address (its value is not shown)"
[[ -f "$PAYLOAD_FILE" ]] || die "payload file ${PAYLOAD_FILE} is missing"
if ! printf 'url = "%s"\n' "$DISCORD_WEBHOOK_URL" |
  curl --config - --silent --show-error --fail --output /dev/null --max-time 20 --retry 3 \
    --header 'Content-Type: application/json' --data-binary "@${PAYLOAD_FILE}" 2>/dev/null; then
  die "Discord rejected the notification or could not be reached (the webhook address is not shown)"
fi
log "Discord notified"
