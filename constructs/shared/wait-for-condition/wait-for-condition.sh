#!/usr/bin/env bash
# Run by Terraform (local-exec) during apply: waits until a Kubernetes object exists and reports a
# condition. Helm's own wait only covers the objects a chart renders, not what an operator creates
# from them later (Calico's TigeraStatus), so steps that need the result wait here.
#
# Needs on the machine that runs the apply: bash, kubectl, and for EKS the AWS CLI (v2).
# Environment (set by the WaitForCondition construct):
#   WAIT_RESOURCE          kind/name, e.g. tigerastatus/calico
#   WAIT_NAMESPACE         namespace of a namespaced object (empty for cluster-scoped)
#   WAIT_CONDITION         condition type that must be True, e.g. Available
#   WAIT_TIMEOUT_SECONDS   overall limit
#   WAIT_POLL_SECONDS      pause between checks that the object exists (default 10)
#   ACCESS_KIND            eks | kubeconfig
#   eks:        CLUSTER_NAME CLUSTER_REGION CLUSTER_ENDPOINT CLUSTER_CA_DATA [CLUSTER_ROLE_ARN]
#   kubeconfig: KUBECONFIG_PATH KUBECONFIG_CONTEXT
set -euo pipefail

fail() {
  echo "wait-for-condition: $*" >&2
  exit 1
}

require() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed on the machine running this apply; $2"
}

require kubectl "the deploy runner needs kubectl to wait for $WAIT_RESOURCE"

args=()
if [ "$ACCESS_KIND" = "eks" ]; then
  require aws "the deploy runner needs the AWS CLI (v2) to get a token for $CLUSTER_NAME"
  kubeconfig="$(mktemp)"
  trap 'rm -f "$kubeconfig"' EXIT
  role_args=""
  if [ -n "${CLUSTER_ROLE_ARN:-}" ]; then role_args=", --role-arn, $CLUSTER_ROLE_ARN"; fi
  # --output json: the exec protocol is JSON, whatever `output` the user's AWS config sets.
  cat >"$kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: cluster
    cluster:
      server: $CLUSTER_ENDPOINT
      certificate-authority-data: $CLUSTER_CA_DATA
users:
  - name: deployer
    user:
      exec:
        apiVersion: client.authentication.k8s.io/v1beta1
        command: aws
        args: [eks, get-token, --cluster-name, $CLUSTER_NAME, --region, $CLUSTER_REGION$role_args, --output, json]
        interactiveMode: Never
contexts:
  - name: cluster
    context: { cluster: cluster, user: deployer }
current-context: cluster
KUBECONFIG
  args+=(--kubeconfig "$kubeconfig")
elif [ "$ACCESS_KIND" = "kubeconfig" ]; then
  path="$KUBECONFIG_PATH"
  # shellcheck disable=SC2088 # matching a literal "~/" that nothing has expanded yet
  case "$path" in "~/"*) path="$HOME/${path#"~/"}" ;; esac
  args+=(--kubeconfig "$path" --context "$KUBECONFIG_CONTEXT")
else
  fail "ACCESS_KIND must be eks or kubeconfig; got \"$ACCESS_KIND\""
fi
if [ -n "${WAIT_NAMESPACE:-}" ]; then args+=(--namespace "$WAIT_NAMESPACE"); fi

deadline=$(($(date +%s) + WAIT_TIMEOUT_SECONDS))
echo "wait-for-condition: waiting up to ${WAIT_TIMEOUT_SECONDS}s for $WAIT_RESOURCE to be $WAIT_CONDITION"
until error="$(kubectl "${args[@]}" get "$WAIT_RESOURCE" -o name 2>&1 >/dev/null)"; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "$WAIT_RESOURCE did not appear within ${WAIT_TIMEOUT_SECONDS}s (last error: $error)"
  fi
  sleep "${WAIT_POLL_SECONDS:-10}"
done

remaining=$((deadline - $(date +%s)))
if [ "$remaining" -lt 1 ]; then remaining=1; fi
if ! kubectl "${args[@]}" wait --for="condition=$WAIT_CONDITION" "$WAIT_RESOURCE" --timeout="${remaining}s"; then
  kubectl "${args[@]}" get "$WAIT_RESOURCE" -o yaml >&2 || true
  fail "$WAIT_RESOURCE is not $WAIT_CONDITION after ${WAIT_TIMEOUT_SECONDS}s; its status is above"
fi
