# shellcheck shell=bash
# Shared helpers for the deploy scripts: one-line failures, input validation, step outputs.
# Sourced, never run. Every script takes its inputs from environment variables only, so no
# `${{ }}` expression is ever expanded inside a shell line.

# Printable, single-line rendering of an untrusted value for messages: no newlines (a new line
# could start a workflow command), no control characters, at most 80 characters.
safe() {
  printf '%s' "$1" | tr -c 'A-Za-z0-9._,:+@/= -' '?' | cut -c1-80
}

# Fail with one line that GitHub shows as an error annotation.
die() {
  printf '::error::%s\n' "$*" >&2
  exit 1
}

log() {
  printf '%s\n' "$*"
}

# Write key=value to the step outputs (ignored outside Actions).
output() {
  if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# Append markdown to the job summary (ignored outside Actions).
summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    printf '%s\n' "$@" >>"$GITHUB_STEP_SUMMARY"
  fi
}

require_env() {
  local name
  for name in "$@"; do
    [[ -n "${!name:-}" ]] || die "missing required setting ${name}"
  done
}

# split_csv "a, b,,c" -> prints a, b, c one per line; blanks dropped, duplicates kept once.
# Line breaks count as separators, so no part of a value can hide on a second line.
split_csv() {
  local item seen=","
  local -a items
  IFS=',' read -r -a items <<<"${1//[$'\n\r']/,}"
  for item in "${items[@]}"; do
    item="${item#"${item%%[![:space:]]*}"}"
    item="${item%"${item##*[![:space:]]}"}"
    [[ -z "$item" || "$seen" == *",$item,"* ]] && continue
    seen+="$item,"
    printf '%s\n' "$item"
  done
}

# resolve_targets REQUESTED KNOWN -> the requested targets, one per line ("all" = every known one).
resolve_targets() {
  local requested="$1" known="$2" target
  local -a known_list wanted
  mapfile -t known_list < <(split_csv "$known")
  [[ ${#known_list[@]} -gt 0 ]] || die "no deploy targets configured (DEPLOY_TARGETS is empty)"
  mapfile -t wanted < <(split_csv "$requested")
  [[ ${#wanted[@]} -gt 0 ]] || die "no targets given: pass target names separated by commas, or 'all'"
  if [[ ${#wanted[@]} -eq 1 && "${wanted[0]}" == "all" ]]; then
    printf '%s\n' "${known_list[@]}"
    return
  fi
  for target in "${wanted[@]}"; do
    [[ ",${known// /}," == *",$target,"* ]] ||
      die "unknown target '$(safe "$target")' (known targets: ${known// /})"
  done
  printf '%s\n' "${wanted[@]}"
}

# validate_digests LIST -> the digests, one per line, each sha256:<64 lowercase hex>.
validate_digests() {
  local digest
  local -a digests
  mapfile -t digests < <(split_csv "$1")
  [[ ${#digests[@]} -gt 0 ]] || die "no digests given: pass sha256:<64 hex> digests separated by commas"
  for digest in "${digests[@]}"; do
    [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] ||
      die "malformed digest '$(safe "$digest")' (expected sha256: followed by 64 lowercase hex characters)"
  done
  printf '%s\n' "${digests[@]}"
}

# A release version usable inside an image tag: v1, v1.4, v1.4.0, v1.4.0-rc.1 (no '+', tags forbid it).
validate_version() {
  [[ "$1" =~ ^v[0-9]+(\.[0-9]+){0,2}([-.][0-9A-Za-z]+)*$ && ${#1} -le 100 ]] ||
    die "malformed version '$(safe "$1")' (expected a tag like v1.4.0 or v1.4.0-rc.1)"
}

validate_sha() {
  [[ "$1" =~ ^[0-9a-f]{40}$ ]] || die "malformed commit sha '$(safe "$1")' (expected 40 lowercase hex characters)"
}
