#!/usr/bin/env bash
# Cleanup after a release: per target, keep the newest KEEP release images and every build image
# newer than the oldest kept release (a v* tag on that commit would promote exactly it); delete
# the rest, except protected images (latest-/previous-/staging-), re-checked at delete time.
# Untagged images are left to the repository's lifecycle policy: they may be the children of a
# multi-platform index. Two-repository layout: the production repository first, then the build
# repository, where an image counts as a release when its digest is a release in production (it
# was copied from there). Env: ECR_REPOSITORY, PRODUCTION_REPOSITORY, PRODUCTION_REGISTRY_ID
# (optional), DEPLOY_TARGETS, KEEP (default 10), DRY_RUN (true/false).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$here/lib/common.sh"

require_env ECR_REPOSITORY DEPLOY_TARGETS
keep="${KEEP:-10}"
[[ "$keep" =~ ^[1-9][0-9]{0,3}$ ]] || die "KEEP must be a whole number from 1 to 9999, not '$(safe "$keep")'"
mapfile -t known < <(resolve_targets all "$DEPLOY_TARGETS")
[[ ${#known[@]} -gt 0 ]] || exit 1
# Longest target names first, so "api-runtime" is not read as target "runtime".
mapfile -t known < <(for t in "${known[@]}"; do printf '%d %s\n' "${#t}" "$t"; done | sort -rn | cut -d' ' -f2-)

# shellcheck source=SCRIPTDIR/lib/ecr.sh
. "$here/lib/ecr.sh"

# classify TAG -> "<kind> <target>" (kind: build, release, pointer) or nothing.
classify() {
  local tag="$1" target prefix
  for target in "${known[@]}"; do
    [[ "$tag" == *"-$target" ]] || continue
    prefix="${tag%-"$target"}"
    case "$prefix" in
      latest | previous | staging) printf 'pointer %s\n' "$target" ;;
      *)
        if [[ "$prefix" =~ ^sha-[0-9a-f]{40}$ ]]; then
          printf 'build %s\n' "$target"
        elif [[ "$prefix" =~ ^v[0-9]+(\.[0-9]+){0,2}([-.][0-9A-Za-z]+)*$ ]]; then
          printf 'release %s\n' "$target"
        else
          continue
        fi
        ;;
    esac
    return
  done
}

declare -A owner=() is_release=() released_in_production=()

# classify_images -> owner (digest -> target) and is_release for the loaded repository.
classify_images() {
  local digest tag kind target
  local -a tags
  owner=() is_release=()
  for digest in "${!DIGEST_TAGS[@]}"; do
    IFS=',' read -r -a tags <<<"${DIGEST_TAGS[$digest]}"
    for tag in "${tags[@]}"; do
      read -r kind target <<<"$(classify "$tag")" || true
      [[ -n "${kind:-}" ]] || continue
      owner[$digest]="${owner[$digest]:-$target}"
      [[ "$kind" == release ]] && is_release[$digest]=1
      kind=""
    done
    [[ -z "${released_in_production[$digest]:-}" ]] || is_release[$digest]=1
  done
}

# plan_deletions -> candidates: per target, what lies beyond the newest KEEP releases.
plan_deletions() {
  local target digest releases cutoff
  local -a images
  candidates=()
  for target in "${known[@]}"; do
    # This target's images, newest first (push time, then digest, for a stable order).
    mapfile -t images < <(for d in "${!owner[@]}"; do
      [[ "${owner[$d]}" == "$target" ]] && printf '%s %s\n' "${DIGEST_PUSHED[$d]:-0}" "$d"
    done | sort -k1,1nr -k2,2r | cut -d' ' -f2)
    releases=0 cutoff=""
    for digest in "${images[@]}"; do
      [[ -n "${is_release[$digest]:-}" ]] || continue
      releases=$((releases + 1))
      [[ $releases -eq $keep ]] && cutoff="${DIGEST_PUSHED[$digest]:-0}"
    done
    releases=0
    for digest in "${images[@]}"; do
      [[ -n "${is_release[$digest]:-}" ]] && releases=$((releases + 1))
      [[ -z "$(protection_of "$digest")" ]] || continue
      if [[ -n "${is_release[$digest]:-}" ]]; then
        [[ $releases -le $keep ]] && continue
      elif [[ -z "$cutoff" || "${DIGEST_PUSHED[$digest]:-0}" -ge "$cutoff" ]]; then
        continue
      fi
      candidates+=("$digest")
    done
  done
}

# clean_repository -> plan and delete in the repository ecr_use chose.
clean_repository() {
  local digest
  ecr_load_state
  classify_images
  plan_deletions
  log "cleanup of '${ECR_REPOSITORY}' keeps ${keep} release(s) per target; ${#candidates[@]} image(s) to delete"
  summary "### Cleanup of \`${ECR_REPOSITORY}\` (keep ${keep} releases per target)"
  if [[ ${#candidates[@]} -eq 0 ]]; then
    summary "Nothing to delete."
    return
  fi
  if [[ "${DRY_RUN:-false}" == true ]]; then
    for digest in "${candidates[@]}"; do log "would delete ${digest} (${DIGEST_TAGS[$digest]%,})"; done
    return
  fi
  ecr_delete_unprotected "${candidates[@]}"
  for digest in "${DELETED[@]}"; do log "- deleted ${digest}"; summary "- deleted \`${digest}\`"; done
  deleted=$((deleted + ${#DELETED[@]}))
  [[ ${#REFUSED[@]} -eq 0 ]] || die "became protected while cleaning up, not deleted: ${REFUSED[*]}"
}

candidates=()
deleted=0
build_repository="$ECR_REPOSITORY"
ecr_use_production
clean_repository
if [[ "$ECR_REPOSITORY" != "$build_repository" || -n "$ECR_REGISTRY_OWNER" ]]; then
  for digest in "${!is_release[@]}"; do released_in_production[$digest]=1; done
  ecr_use "$build_repository"
  clean_repository
fi
[[ "${DRY_RUN:-false}" == true ]] || output deleted "$deleted"
