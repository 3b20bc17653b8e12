#!/usr/bin/env bash
# Build the notification message once and write both payloads: OUT_DIR/slack.json (incoming
# webhook) and OUT_DIR/discord.json (mentions disabled, so no text can ping @everyone).
# Every input is data: for Slack, & < > are escaped in the text (so a reason cannot write
# <!channel> or a <url|label> link) and links are not unfurled; only the run URL is a link.
# Env: EVENT, STATUS, VERSION, TARGETS, DETAILS (all optional text), OUT_DIR,
# GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID (set by the runner).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env OUT_DIR EVENT STATUS
case "$STATUS" in
  success) icon="✅" ;;
  failure) icon="❌" ;;
  cancelled) icon="⚪" ;;
  waiting) icon="⏳" ;;
  *) icon="ℹ️" ;;
esac
run_url="${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_REPOSITORY:-unknown/unknown}/actions/runs/${GITHUB_RUN_ID:-0}"
mkdir -p "$OUT_DIR"
jq -n --arg icon "$icon" --arg event "$EVENT" --arg status "$STATUS" --arg version "${VERSION:-}" \
  --arg targets "${TARGETS:-}" --arg details "${DETAILS:-}" --arg repo "${GITHUB_REPOSITORY:-}" \
  --arg url "$run_url" '
  ([$icon, $repo, $event, $version, ($targets | select(. != "") | "(" + . + ")"), $status]
    | map(select(. != "")) | join(" ")) as $headline
  | ($headline + (if $details != "" then "\n" + $details else "" end)) as $message
  | ($message | gsub("&"; "&amp;") | gsub("<"; "&lt;") | gsub(">"; "&gt;")) as $slack_message
  | {slack: {text: ($slack_message + "\n<" + $url + ">"), unfurl_links: false, unfurl_media: false},
     discord: {content: ($message + "\n" + $url)[0:1900], allowed_mentions: {parse: []}}}' >"$OUT_DIR/all.json"
jq '.slack' "$OUT_DIR/all.json" >"$OUT_DIR/slack.json"
jq '.discord' "$OUT_DIR/all.json" >"$OUT_DIR/discord.json"
rm -f "$OUT_DIR/all.json"
log "notification: $(jq -r '.text | split("\n")[0]' "$OUT_DIR/slack.json")"
