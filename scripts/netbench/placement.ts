import { parseCidr, parseIpv4 } from "../../constructs/shared/cidr";
import { podNetworkTraits } from "../../constructs/shared/pod-network";
import type { Environment } from "../../stacks/environment/schema";
import type { V1Node } from "../lib/cluster/kubernetes-client";
import type { ClusterPath } from "./result";

/** A node pods can be pinned to, and the subnet it is on. */
export interface BenchNode {
  readonly name: string;
  /** `kubernetes.io/hostname`, which node affinity matches on. */
  readonly hostname: string;
  readonly subnet: string;
}

/** Where the server runs, and where each path's client runs (or why it cannot). */
export interface Placement {
  readonly server: BenchNode;
  readonly clients: Readonly<Record<ClusterPath, BenchNode | { readonly skipped: string }>>;
}

/**
 * The subnet a node is on. On EKS each zone has one private subnet (the VPC construct's layout),
 * so the zone names it; on-prem it is the environment's node network that holds the node's
 * address. The one place netbench reads the on-prem node networks.
 */
export function nodeSubnet(env: Environment, node: V1Node): string | undefined {
  if (env.platform === "eks") {
    const zone = node.metadata?.labels?.["topology.kubernetes.io/zone"];
    return zone && `zone ${zone}`;
  }
  const address = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
  const ip = address === undefined ? undefined : parseIpv4(address);
  if (ip === undefined) return undefined;
  return env.nodeSegments
    .map((segment) => segment.cidr)
    .find((text) => {
      const cidr = parseCidr(text);
      return cidr !== undefined && cidr.first <= ip && ip <= cidr.last;
    });
}

/** Ready, not cordoned, and no taint that would keep a pod without tolerations off it. */
function schedulable(node: V1Node): boolean {
  const ready = node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
  const tainted = (node.spec?.taints ?? []).some(
    (t) => t.effect === "NoSchedule" || t.effect === "NoExecute",
  );
  return Boolean(ready) && !node.spec?.unschedulable && !tainted;
}

function peers(node: BenchNode, all: readonly BenchNode[]) {
  const others = all.filter((n) => n.name !== node.name);
  return {
    sameSubnet: others.find((n) => n.subnet === node.subnet),
    otherSubnet: others.find((n) => n.subnet !== node.subnet),
  };
}

/**
 * Picks the server's node so that as many paths as possible can be measured, and a client node
 * for each path. Throws when no node can take a pod.
 */
export function planPlacement(env: Environment, nodes: readonly V1Node[]): Placement {
  const candidates = nodes
    .filter(schedulable)
    .map((n) => ({
      name: n.metadata?.name ?? "",
      hostname: n.metadata?.labels?.["kubernetes.io/hostname"] ?? n.metadata?.name ?? "",
      subnet: nodeSubnet(env, n) ?? "unknown subnet",
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (candidates.length === 0)
    throw new Error("no Ready, schedulable node without taints to run iperf3 on");
  const reach = (n: BenchNode) => {
    const p = peers(n, candidates);
    return Number(p.sameSubnet !== undefined) + Number(p.otherSubnet !== undefined);
  };
  const server = candidates.reduce((best, n) => (reach(n) > reach(best) ? n : best));
  const { sameSubnet, otherSubnet } = peers(server, candidates);
  const singleSubnet = podNetworkTraits(env.podNetwork.mode).singleSubnetOnly;
  const clients: Record<ClusterPath, BenchNode | { skipped: string }> = {
    "same-node": server,
    "same-subnet": sameSubnet ?? {
      skipped: `no second schedulable node in ${server.subnet}`,
    },
    "cross-subnet": singleSubnet
      ? { skipped: `mode ${env.podNetwork.mode} keeps every node in one subnet` }
      : (otherSubnet ?? { skipped: `every schedulable node is in ${server.subnet}` }),
  };
  return { server, clients };
}

export function isSkipped(
  choice: BenchNode | { readonly skipped: string },
): choice is { readonly skipped: string } {
  return "skipped" in choice;
}
