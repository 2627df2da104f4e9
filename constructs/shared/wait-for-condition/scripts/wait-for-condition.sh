#!/usr/bin/env bash
# Run by Terraform (local-exec) during apply: waits until a Kubernetes object exists and reports a
# condition. Helm's own wait only covers the objects a chart renders, not what an operator creates
# from them later (Calico's TigeraStatus), so steps that need the result wait here.
#
# A condition that is already True may describe the state before the change being applied (an
# upgrade's TigeraStatus still says Available from the last run). Two optional checks prove the
# new state: the condition's observedGeneration must reach the current generation of the object it
# reports on, and a field must hold the value the change sets.
#
# Environment (set by the WaitForCondition construct; access: see cluster-access.sh):
#   WAIT_RESOURCE          kind/name, e.g. tigerastatus/calico
#   WAIT_NAMESPACE         namespace of a namespaced object (empty for cluster-scoped)
#   WAIT_CONDITION         condition type that must be True, e.g. Available
#   WAIT_GENERATION_OF     kind/name whose metadata.generation the condition must have observed
#                          (empty: not checked)
#   WAIT_FIELD_RESOURCE    kind/name holding a field that must equal WAIT_FIELD_VALUE
#   WAIT_FIELD_PATH        its kubectl JSONPath, e.g. {.status.calicoVersion} (empty: not checked)
#   WAIT_FIELD_VALUE
#   WAIT_TIMEOUT_SECONDS   overall limit
#   WAIT_POLL_SECONDS      pause between checks (default 10)
set -euo pipefail

step=wait-for-condition
# shellcheck source=cluster-access.sh
source "${BASH_SOURCE[0]%/*}/cluster-access.sh"
require kubectl "the deploy runner needs kubectl to wait for $WAIT_RESOURCE"
connect
args=("${kubectl_args[@]}")
if [ -n "${WAIT_NAMESPACE:-}" ]; then args+=(--namespace "$WAIT_NAMESPACE"); fi
poll="${WAIT_POLL_SECONDS:-10}"

deadline=$(($(date +%s) + WAIT_TIMEOUT_SECONDS))
time_left() {
  local left=$((deadline - $(date +%s)))
  if [ "$left" -lt 1 ]; then left=1; fi
  echo "$left"
}
out_of_time() { [ "$(date +%s)" -ge "$deadline" ]; }

echo "$step: waiting up to ${WAIT_TIMEOUT_SECONDS}s for $WAIT_RESOURCE to be $WAIT_CONDITION"
until error="$(kubectl "${args[@]}" get "$WAIT_RESOURCE" -o name 2>&1 >/dev/null)"; do
  if out_of_time; then
    fail "$WAIT_RESOURCE did not appear within ${WAIT_TIMEOUT_SECONDS}s (last error: $error)"
  fi
  sleep "$poll"
done

if [ -n "${WAIT_GENERATION_OF:-}" ]; then
  condition_path="{.status.conditions[?(@.type==\"$WAIT_CONDITION\")].observedGeneration}"
  while :; do
    generation="$(kubectl "${args[@]}" get "$WAIT_GENERATION_OF" -o 'jsonpath={.metadata.generation}' 2>/dev/null || true)"
    observed="$(kubectl "${args[@]}" get "$WAIT_RESOURCE" -o "jsonpath=$condition_path" 2>/dev/null || true)"
    if [[ "$generation" =~ ^[0-9]+$ && "$observed" =~ ^[0-9]+$ ]] && [ "$observed" -ge "$generation" ]; then
      echo "$step: $WAIT_CONDITION reports generation $observed of $WAIT_GENERATION_OF"
      break
    fi
    if out_of_time; then
      fail "$WAIT_RESOURCE's $WAIT_CONDITION still reports generation ${observed:-none} of $WAIT_GENERATION_OF, which is at ${generation:-unknown}, after ${WAIT_TIMEOUT_SECONDS}s"
    fi
    echo "$step: $WAIT_CONDITION reports generation ${observed:-none} of $WAIT_GENERATION_OF, which is at ${generation:-unknown}; waiting"
    sleep "$poll"
  done
fi

if ! kubectl "${args[@]}" wait --for="condition=$WAIT_CONDITION" "$WAIT_RESOURCE" --timeout="$(time_left)s"; then
  kubectl "${args[@]}" get "$WAIT_RESOURCE" -o yaml >&2 || true
  fail "$WAIT_RESOURCE is not $WAIT_CONDITION after ${WAIT_TIMEOUT_SECONDS}s; its status is above"
fi

if [ -n "${WAIT_FIELD_PATH:-}" ]; then
  while :; do
    value="$(kubectl "${args[@]}" get "$WAIT_FIELD_RESOURCE" -o "jsonpath=$WAIT_FIELD_PATH" 2>/dev/null || true)"
    if [ "$value" = "$WAIT_FIELD_VALUE" ]; then
      echo "$step: $WAIT_FIELD_RESOURCE $WAIT_FIELD_PATH is $value"
      break
    fi
    if out_of_time; then
      fail "$WAIT_FIELD_RESOURCE $WAIT_FIELD_PATH is \"$value\", not \"$WAIT_FIELD_VALUE\", after ${WAIT_TIMEOUT_SECONDS}s"
    fi
    echo "$step: $WAIT_FIELD_RESOURCE $WAIT_FIELD_PATH is \"$value\"; waiting for \"$WAIT_FIELD_VALUE\""
    sleep "$poll"
  done
fi
