#!/usr/bin/env bash
# Run by Terraform (local-exec, when = destroy) as its step is destroyed: deletes Kubernetes
# objects and waits until the named ones are gone, while what finalizes them (an operator, on the
# nodes) still runs. Safe to run again: objects already gone, and kinds the cluster no longer
# serves, are skipped.
#
# Environment (set by the DeleteOnDestroy construct, from the step's stored input; access: see
# cluster-access.sh):
#   DELETE_OBJECTS           space-separated resource/name to delete, in order
#   DELETE_WAIT_FOR          space-separated resource/name to wait for until they are gone
#   DELETE_TIMEOUT_SECONDS   overall limit
#   DELETE_POLL_SECONDS      pause between checks (default 5)
set -euo pipefail

step=delete-on-destroy
# shellcheck source=cluster-access.sh
source "${BASH_SOURCE[0]%/*}/cluster-access.sh"
require kubectl "the deploy runner needs kubectl to delete $DELETE_OBJECTS"
connect
poll="${DELETE_POLL_SECONDS:-5}"
deadline=$(($(date +%s) + DELETE_TIMEOUT_SECONDS))
gone_hint="If the cluster itself is gone, nothing is left to clean up: remove this step from the state (terraform state rm) and destroy again."

for object in $DELETE_OBJECTS; do
  if output="$(kubectl "${kubectl_args[@]}" delete "$object" --ignore-not-found --wait=false 2>&1)"; then
    if [ -n "$output" ]; then echo "$step: $output"; fi
  elif [[ "$output" == *"doesn't have a resource type"* ]]; then
    echo "$step: skipping $object: the cluster does not serve its kind"
  else
    fail "cannot delete $object: $output. $gone_hint"
  fi
done

for object in $DELETE_WAIT_FOR; do
  echo "$step: waiting up to ${DELETE_TIMEOUT_SECONDS}s for $object to be gone"
  while :; do
    if left="$(kubectl "${kubectl_args[@]}" get "$object" --ignore-not-found -o name 2>&1)"; then
      if [ -z "$left" ]; then break; fi
    elif [[ "$left" == *"doesn't have a resource type"* ]]; then
      break
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      kubectl "${kubectl_args[@]}" get "$object" -o yaml >&2 || true
      fail "$object is still there after ${DELETE_TIMEOUT_SECONDS}s (above, with the finalizers that hold it). What finalizes it is still in place: destroying again resumes here."
    fi
    sleep "$poll"
  done
  echo "$step: $object is gone"
done
