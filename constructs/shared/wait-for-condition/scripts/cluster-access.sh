# Sourced by the step scripts beside it (Terraform local-exec): defines fail, require, and connect,
# which sets kubectl_args to reach the cluster. The sourcing script sets `step` (its name, for
# messages) and checks its own tools before it connects.
#
# Needs on the machine that runs the apply: bash, kubectl, and for EKS the AWS CLI (v2).
# Environment:
#   ACCESS_KIND   eks | kubeconfig
#   eks:          CLUSTER_NAME CLUSTER_REGION CLUSTER_ENDPOINT CLUSTER_CA_DATA [CLUSTER_ROLE_ARN]
#   kubeconfig:   KUBECONFIG_PATH KUBECONFIG_CONTEXT

fail() {
  echo "$step: $*" >&2
  exit 1
}

require() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed on the machine running this apply; $2"
}

connect() {
  kubectl_args=()
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
    kubectl_args+=(--kubeconfig "$kubeconfig")
  elif [ "$ACCESS_KIND" = "kubeconfig" ]; then
    path="$KUBECONFIG_PATH"
    # shellcheck disable=SC2088 # matching a literal "~/" that nothing has expanded yet
    case "$path" in "~/"*) path="$HOME/${path#"~/"}" ;; esac
    kubectl_args+=(--kubeconfig "$path" --context "$KUBECONFIG_CONTEXT")
  else
    fail "ACCESS_KIND must be eks or kubeconfig; got \"$ACCESS_KIND\""
  fi
}
