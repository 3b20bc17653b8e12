# shellcheck shell=bash
# The release rules, shared by the preflight (release-order.sh) and promote.sh so that both refuse
# the same things: a release tag never moves, and production never goes to an older version
# unless ALLOW_OLDER=true. Needs common.sh and ecr.sh with the production state loaded.

# release_check TARGET VERSION DIGEST -> one line and exit when refused; otherwise prints "released"
# when production already runs DIGEST as VERSION for TARGET, "todo" when something has to move.
release_check() {
  local target="$1" wanted="$2" digest="$3" current current_version
  local release="${wanted}-${target}"
  [[ -z "${TAG_DIGEST[$release]:-}" || "${TAG_DIGEST[$release]}" == "$digest" ]] ||
    die "${release} already names ${TAG_DIGEST[$release]}, not ${digest}: release tags never move"
  current="${TAG_DIGEST[latest-${target}]:-}"
  if [[ -n "$current" && "$current" != "$digest" && "${ALLOW_OLDER:-false}" != true ]]; then
    current_version="$(release_version_of "$current" "$target")"
    [[ -z "$current_version" || "$(version_cmp "$wanted" "$current_version")" != -1 ]] ||
      die "refusing ${wanted} for '${target}': production runs ${current_version} (latest-${target}), which is newer; releases never go backwards (set ALLOW_OLDER_RELEASE=true to release an older version on purpose)"
  fi
  if [[ "$current" == "$digest" && "${TAG_DIGEST[$release]:-}" == "$digest" ]]; then
    echo released
  else
    echo todo
  fi
}
