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

# version_cmp A B -> prints -1, 0 or 1: semver order of two release versions (validate_version
# forms). Missing minor/patch count as 0 (v1 = v1.0.0); a pre-release sorts below its release
# (v1.4.0-rc.1 < v1.4.0); pre-release fields compare numerically when both are numbers, else as
# text, numbers below text, and a shorter list of equal fields first (SemVer 2.0.0, section 11).
version_cmp() {
  local a="${1#v}" b="${2#v}" i x y
  local -a core_a core_b pre_a pre_b
  _version_split "$a" core_a pre_a
  _version_split "$b" core_b pre_b
  for i in 0 1 2; do
    x="${core_a[$i]:-0}" y="${core_b[$i]:-0}"
    ((10#$x == 10#$y)) || { ((10#$x < 10#$y)) && echo -1 || echo 1; return; }
  done
  if [[ ${#pre_a[@]} -eq 0 || ${#pre_b[@]} -eq 0 ]]; then
    # A release outranks its pre-releases.
    echo $((${#pre_b[@]} > 0 ? 1 : ${#pre_a[@]} > 0 ? -1 : 0))
    return
  fi
  for ((i = 0; i < ${#pre_a[@]} && i < ${#pre_b[@]}; i++)); do
    x="${pre_a[$i]}" y="${pre_b[$i]}"
    [[ "$x" == "$y" ]] && continue
    if [[ "$x" =~ ^[0-9]+$ && "$y" =~ ^[0-9]+$ ]]; then
      ((10#$x < 10#$y)) && echo -1 || echo 1
    elif [[ "$x" =~ ^[0-9]+$ ]]; then echo -1
    elif [[ "$y" =~ ^[0-9]+$ ]]; then echo 1
    elif [[ "$x" < "$y" ]]; then echo -1
    else echo 1
    fi
    return
  done
  echo $((${#pre_a[@]} < ${#pre_b[@]} ? -1 : ${#pre_a[@]} > ${#pre_b[@]} ? 1 : 0))
}

# _version_split VERSION CORE_ARRAY PRE_ARRAY: "1.4.0-rc.1" -> (1 4 0) and (rc 1). The core is the
# leading numeric dot fields (at most three); whatever follows is the pre-release.
_version_split() {
  local rest="$1"
  # shellcheck disable=SC2034 # namerefs: the caller's arrays are written
  local -n core_ref="$2" pre_ref="$3"
  core_ref=() pre_ref=()
  while [[ ${#core_ref[@]} -lt 3 && "$rest" =~ ^([0-9]+)(.*)$ ]]; do
    core_ref+=("${BASH_REMATCH[1]}")
    rest="${BASH_REMATCH[2]}"
    [[ "$rest" =~ ^\.[0-9] ]] || break
    rest="${rest#.}"
  done
  rest="${rest#[-.]}"
  [[ -z "$rest" ]] && return
  # shellcheck disable=SC2034 # pre_ref is the caller's array (nameref)
  IFS='.-' read -r -a pre_ref <<<"$rest"
}

# digest_for MAP TARGET -> the digest MAP ("target=sha256:…,target=sha256:…") gives TARGET, or nothing.
digest_for() {
  local item
  while IFS= read -r item; do
    [[ "${item%%=*}" == "$2" ]] && printf '%s\n' "${item#*=}" && return
  done < <(split_csv "$1")
  return 0
}
