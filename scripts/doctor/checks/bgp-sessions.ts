import { fail, pass, type DoctorCheck, type DoctorContext } from "../check";
import { isPodReady, latestEvent } from "../kube-facts";
import { CALICO_NAMESPACE } from "../snapshot";

/** calico-node's readiness output: `calico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.1,10.0.0.2`. */
const NOT_ESTABLISHED = /BGP not established with ([0-9.,\s]+)/;

function bgpFix({ env, cluster }: DoctorContext): string {
  const where =
    env.platform === "eks"
      ? "the node security group must allow TCP 179 from itself (see aws.node-ports)"
      : `TCP 179 must pass between the nodes (${env.nodeSegments.map((s) => s.cidr).join(", ")}) on host firewalls and switch ACLs`;
  const node = cluster.nodes[0]?.metadata?.name ?? "<node>";
  return (
    `${where}; and each node must announce the address its peers reach it on: ` +
    `kubectl get node ${node} -o jsonpath='{.metadata.annotations.projectcalico\\.org/IPv4Address}' ` +
    "(the platform stack sets calicoNetwork.nodeAddressAutodetectionV4: the InternalIP on EKS, an address in the node segments on-prem)"
  );
}

export const bgpSessions: DoctorCheck = {
  id: "calico.bgp-sessions",
  description: "Every calico-node has its BGP sessions established (modes that route with BGP).",
  appliesTo: ({ traits }) => traits.bgp,
  run: (ctx) => {
    const { cluster } = ctx;
    const unestablished = cluster.calicoPods
      .filter((p) => p.metadata?.labels?.["k8s-app"] === "calico-node" && !isPodReady(p))
      .flatMap((pod) => {
        const event = latestEvent(
          cluster.calicoProbeEvents,
          "Pod",
          CALICO_NAMESPACE,
          pod.metadata?.name,
        );
        const peers = NOT_ESTABLISHED.exec(event?.message ?? "")?.[1];
        return peers
          ? [
              {
                node: pod.spec?.nodeName ?? pod.metadata?.name,
                peers: peers
                  .split(",")
                  .map((p) => p.trim())
                  .filter(Boolean),
              },
            ]
          : [];
      });
    if (unestablished.length === 0) {
      return [pass("no calico-node reports an unestablished BGP peer")];
    }
    return unestablished.map(({ node, peers }) =>
      fail(`calico-node on ${node} has no BGP session with ${peers.join(", ")}`, bgpFix(ctx)),
    );
  },
};
