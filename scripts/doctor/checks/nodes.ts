import { always, deploy, fail, listOf, pass, warn, type DoctorCheck, type Outcome } from "../check";
import { isNodeReady, missingCniMessage, notReadyMessage } from "../kube-facts";

export const nodesCni: DoctorCheck = {
  id: "nodes.cni",
  description: "Every node is Ready; none is held NotReady by a missing pod network.",
  appliesTo: always,
  run: ({ env, traits, cluster }) => {
    const { nodes } = cluster;
    if (nodes.length === 0) {
      return [
        fail(
          "the cluster has no nodes",
          env.platform === "eks"
            ? `the system node group has not joined: ${deploy(env, "infra")} creates it`
            : "join the on-prem nodes to the cluster (kubeadm join) before installing add-ons",
        ),
      ];
    }
    const outcomes: Outcome[] = [];
    const withoutCni = nodes.filter((n) => missingCniMessage(n) !== undefined);
    if (withoutCni.length > 0) {
      const names = withoutCni.map((n) => n.metadata?.name ?? "");
      outcomes.push(
        fail(
          `${withoutCni.length} node(s) NotReady without a pod network: ${listOf(names)} ` +
            `(${missingCniMessage(withoutCni[0])})`,
          traits.cni === "calico"
            ? `Calico is not running on ${listOf(names)}: on a fresh cluster, ${deploy(env, "platform")} ` +
                "installs it (nodes stay NotReady until then); otherwise see why calico-node is not " +
                `running there: kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=${names[0]}`
            : `the AWS VPC CNI (aws-node) is not running on ${listOf(names)}: check the vpc-cni ` +
                "add-on (aws eks describe-addon --addon-name vpc-cni) and " +
                "kubectl -n kube-system get pods -l k8s-app=aws-node -o wide",
        ),
      );
    }
    const otherNotReady = nodes.filter(
      (n) => !isNodeReady(n) && missingCniMessage(n) === undefined,
    );
    if (otherNotReady.length > 0) {
      outcomes.push(
        warn(
          `${otherNotReady.length} node(s) NotReady for another reason: ` +
            otherNotReady.map((n) => `${n.metadata?.name} (${notReadyMessage(n)})`).join("; "),
          `kubectl describe node ${otherNotReady[0].metadata?.name}`,
        ),
      );
    }
    if (outcomes.length === 0) outcomes.push(pass(`${nodes.length} nodes Ready`));
    return outcomes;
  },
};
