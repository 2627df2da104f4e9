/**
 * The pod network mode is one environment field read by both stacks: the infra stack opens the
 * node-to-node ports it needs and grants Felix its EC2 permissions, the platform stack renders
 * Calico from it. Every mode-dependent decision is derived from the table below, so the two
 * sides cannot disagree.
 */
import type { Platform } from "./kubernetes";

export const POD_NETWORK_MODES = [
  "ipip",
  "ipip-cross-subnet",
  "direct",
  "vxlan",
  "vxlan-cross-subnet",
  "policy-only",
] as const;

export type PodNetworkMode = (typeof POD_NETWORK_MODES)[number];

/** Calico `IPPool.spec.encapsulation` values. */
export type CalicoEncapsulation =
  | "IPIP"
  | "IPIPCrossSubnet"
  | "VXLAN"
  | "VXLANCrossSubnet"
  | "None";

/** A node-to-node port the pod network needs open inside the node security group. */
export interface NodePort {
  readonly description: string;
  /** IANA protocol: "tcp", "udp", or a number such as "4" for IP-in-IP. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
}

export interface PodNetworkTraits {
  /** Which CNI plugin attaches pods: Calico, or the AWS VPC CNI with Calico for policy only. */
  readonly cni: "calico" | "aws-vpc-cni";
  /** IP pool encapsulation; undefined when Calico does no IPAM (policy-only). */
  readonly encapsulation?: CalicoEncapsulation;
  /** Whether Calico runs BGP. IPIP and unencapsulated routes are distributed by BGP. */
  readonly bgp: boolean;
  /** Bytes the encapsulation takes from the interface MTU (worst case for cross-subnet modes). */
  readonly mtuOverhead: number;
  /**
   * Whether pod packets leave nodes unencapsulated (always, or inside one subnet), so on AWS
   * the EC2 source/destination check must be off (Felix `awsSrcDstCheck: Disable`).
   */
  readonly routesNatively: boolean;
  /** Whether nodes in one subnet are required (direct mode has no way across a router). */
  readonly singleSubnetOnly: boolean;
  /**
   * Whether pod packets can arrive at another node unencapsulated, on any port (native routing
   * inside a subnet, or VPC CNI pods using node ENIs). The node security group then has to pass
   * all traffic between nodes; otherwise only the encapsulation and control ports are needed.
   */
  readonly nativePodTraffic: boolean;
  /** Node-to-node ports the mode needs beyond the baseline node rules. */
  readonly nodePorts: readonly NodePort[];
  /** One line for documentation and plan output. */
  readonly summary: string;
}

export const BGP_PORT: NodePort = {
  description: "Calico BGP",
  protocol: "tcp",
  fromPort: 179,
  toPort: 179,
};
export const IPIP_PORT: NodePort = {
  description: "Calico IP-in-IP",
  protocol: "4",
  fromPort: 0,
  toPort: 0,
};
export const VXLAN_PORT: NodePort = {
  description: "Calico VXLAN",
  protocol: "udp",
  fromPort: 4789,
  toPort: 4789,
};
export const TYPHA_PORT: NodePort = {
  description: "Calico Typha",
  protocol: "tcp",
  fromPort: 5473,
  toPort: 5473,
};

const IPIP_OVERHEAD = 20;
const VXLAN_OVERHEAD = 50;

const TRAITS: Record<PodNetworkMode, PodNetworkTraits> = {
  ipip: {
    cni: "calico",
    encapsulation: "IPIP",
    bgp: true,
    mtuOverhead: IPIP_OVERHEAD,
    routesNatively: false,
    singleSubnetOnly: false,
    nativePodTraffic: false,
    nodePorts: [BGP_PORT, IPIP_PORT, TYPHA_PORT],
    summary: "Calico CNI, IP-in-IP between all nodes",
  },
  "ipip-cross-subnet": {
    cni: "calico",
    encapsulation: "IPIPCrossSubnet",
    bgp: true,
    mtuOverhead: IPIP_OVERHEAD,
    routesNatively: true,
    singleSubnetOnly: false,
    nativePodTraffic: true,
    nodePorts: [BGP_PORT, IPIP_PORT, TYPHA_PORT],
    summary: "Calico CNI, native inside a subnet, IP-in-IP across subnets",
  },
  direct: {
    cni: "calico",
    encapsulation: "None",
    bgp: true,
    mtuOverhead: 0,
    routesNatively: true,
    singleSubnetOnly: true,
    nativePodTraffic: true,
    nodePorts: [BGP_PORT, TYPHA_PORT],
    summary: "Calico CNI, no encapsulation; all nodes in one L2 subnet",
  },
  vxlan: {
    cni: "calico",
    encapsulation: "VXLAN",
    bgp: false,
    mtuOverhead: VXLAN_OVERHEAD,
    routesNatively: false,
    singleSubnetOnly: false,
    nativePodTraffic: false,
    nodePorts: [VXLAN_PORT, TYPHA_PORT],
    summary: "Calico CNI, VXLAN between all nodes, no BGP",
  },
  "vxlan-cross-subnet": {
    cni: "calico",
    encapsulation: "VXLANCrossSubnet",
    bgp: false,
    mtuOverhead: VXLAN_OVERHEAD,
    routesNatively: true,
    singleSubnetOnly: false,
    nativePodTraffic: true,
    nodePorts: [VXLAN_PORT, TYPHA_PORT],
    summary: "Calico CNI, native inside a subnet, VXLAN across subnets, no BGP",
  },
  "policy-only": {
    cni: "aws-vpc-cni",
    bgp: false,
    mtuOverhead: 0,
    routesNatively: false,
    singleSubnetOnly: false,
    nativePodTraffic: true,
    // Typha's 5473 falls in the baseline ephemeral range; no encapsulation ports.
    nodePorts: [],
    summary: "AWS VPC CNI for pod networking, Calico enforces NetworkPolicy",
  },
};

export function podNetworkTraits(mode: PodNetworkMode): PodNetworkTraits {
  return TRAITS[mode];
}

/**
 * Why nodes cannot move from pod network mode `from` to `to` with both modes' node ports open
 * for the switch (see `podNetwork.migratingFrom`), or undefined when they can.
 */
export function podNetworkMigrationProblem(
  to: PodNetworkMode,
  from: PodNetworkMode,
): string | undefined {
  if (from === to) {
    return `is "${to}", the mode itself; remove it once the switch to "${to}" is deployed`;
  }
  if (TRAITS[from].cni !== TRAITS[to].cni) {
    return (
      `"${from}" and "${to}" use different CNIs, and moving between the AWS VPC CNI and a Calico ` +
      "CNI replaces the EKS cluster (bootstrap_self_managed_addons), which open ports cannot " +
      "bridge; build a new environment instead"
    );
  }
  return undefined;
}

/**
 * Node interface MTU when the environment does not state one: EC2 instances use jumbo frames inside
 * a VPC; on-prem networks are assumed to keep the Ethernet default.
 */
export const DEFAULT_INTERFACE_MTU: Readonly<Record<Platform, number>> = {
  eks: 9001,
  onprem: 1500,
};

/**
 * The MTU pods get: the node interface MTU minus what the mode's encapsulation adds to every
 * packet, so an encapsulated pod packet still fits the node network unfragmented.
 */
export function podMtu(mode: PodNetworkMode, interfaceMtu: number): number {
  return interfaceMtu - TRAITS[mode].mtuOverhead;
}
