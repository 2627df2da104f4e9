import type { Environment } from "../../../stacks/environment/schema";
import type { V1Pod } from "../../lib/cluster/kubernetes-client";
import { always, fail, listOf, pass, type DoctorCheck } from "../check";
import { latestEvent, qualifiedName } from "../kube-facts";

/** A known reason the CNI could not set up a pod sandbox, and what to do about it. */
interface SandboxCause {
  readonly matches: RegExp;
  readonly fix: (env: Environment, nodes: readonly string[]) => string;
}

const SANDBOX_CAUSES: readonly SandboxCause[] = [
  {
    matches: /failed to find plugin "calico"/,
    fix: (_env, nodes) =>
      `the Calico CNI binary is missing on ${listOf(nodes)}: calico-node's install-cni init ` +
      "container has not run there; see that node's calico-node pod " +
      `(kubectl -n calico-system get pods -o wide --field-selector spec.nodeName=${nodes[0]})`,
  },
  {
    // Calico IPAM: "failed to request 1 IPv4 addresses. IPAM allocated only 0", or "cannot
    // allocate new block due to per host block limit".
    matches: /IPAM allocated only 0|cannot allocate new block|pools are likely exhausted/i,
    fix: (env) =>
      `Calico IPAM has no address left: every node takes /${env.podNetwork.blockSize} blocks from ` +
      `${env.podNetwork.podCidr}; add an IP pool (or move to a larger podCidr) and recreate the pods`,
  },
  {
    matches: /plugin type="calico" failed/,
    fix: (_env, nodes) =>
      `the Calico CNI plugin ran but failed on ${listOf(nodes)}: calico-node there is not ready or ` +
      "cannot reach the API server; see the calico.* findings and " +
      "kubectl -n calico-system logs ds/calico-node -c calico-node",
  },
];

const UNKNOWN_CAUSE: SandboxCause["fix"] = (_env, nodes) =>
  `read the full error with kubectl describe pod, and the kubelet log on ${listOf(nodes)}`;

function isContainerCreating(pod: V1Pod): boolean {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  // A pod whose sandbox never came up may have no container statuses yet.
  return (
    Boolean(pod.spec?.nodeName) &&
    (statuses.length === 0 ||
      statuses.some((s) =>
        /(Pod|Container)Initializing|ContainerCreating/.test(s.state?.waiting?.reason ?? ""),
      ))
  );
}

interface StuckPod {
  readonly name: string;
  readonly node: string;
  readonly error: string;
}

export const podSandbox: DoctorCheck = {
  id: "pods.sandbox",
  description: "No pod is stuck in ContainerCreating because the CNI failed to set up its sandbox.",
  appliesTo: always,
  run: ({ env, cluster }) => {
    const stuck: StuckPod[] = cluster.pendingPods.filter(isContainerCreating).flatMap((pod) => {
      const event = latestEvent(
        cluster.sandboxEvents,
        "Pod",
        pod.metadata?.namespace,
        pod.metadata?.name,
      );
      return event
        ? [{ name: qualifiedName(pod), node: pod.spec?.nodeName ?? "", error: event.message ?? "" }]
        : [];
    });
    if (stuck.length === 0)
      return [pass("no pod is stuck in ContainerCreating with a sandbox error")];
    // One line per cause: a broken CNI usually fails every pod on a node the same way.
    const byCause = new Map<SandboxCause["fix"], StuckPod[]>();
    for (const pod of stuck) {
      const fix = SANDBOX_CAUSES.find((c) => c.matches.test(pod.error))?.fix ?? UNKNOWN_CAUSE;
      byCause.set(fix, [...(byCause.get(fix) ?? []), pod]);
    }
    return [...byCause].map(([fix, pods]) => {
      const nodes = [...new Set(pods.map((p) => p.node))];
      return fail(
        `${pods.length} pod(s) stuck in ContainerCreating: ${listOf(pods.map((p) => `${p.name} on ${p.node}`))}: ${pods[0].error}`,
        fix(env, nodes),
      );
    });
  },
};
