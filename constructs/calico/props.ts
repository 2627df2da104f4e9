/**
 * Props of the Calico constructs: the one place their rules and defaults live. The environment
 * schema composes the pod network fields and the BGP peer schema.
 */
import { Token } from "cdktf";
import { z } from "zod";
import { Ipv4Cidr, overlaps, parseAddressRange, parseCidr } from "../shared/cidr";
import { Platform } from "../shared/kubernetes";
import {
  helmValuesSchema,
  namespaceSecuritySchema,
  platformSchema,
  podNetworkModeSchema,
} from "../shared/props";
import { DEFAULT_INTERFACE_MTU, PodNetworkMode, podNetworkTraits } from "../shared/pod-network";
import {
  asNumber,
  chartVersion,
  checkedString,
  cidr,
  dependables,
  ipv4,
  isUnresolved,
  kubernetesName,
  uniqueNames,
  wholeNumber,
  withRules,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { VERSIONS } from "../versions";
import type { Calico, CalicoProps } from "./calico";
import { removedValueProblems } from "./removed-values";
import type { CalicoBgpPeer, CalicoBgpProps } from "./calico-bgp";

/**
 * The pod network fields an environment's `podNetwork` shares with CalicoProps. Its `podCidr`
 * differs: an environment defaults it, the construct requires it (except in policy-only mode).
 */
export const podNetworkFields = {
  /** How pods are networked; see constructs/shared/pod-network.ts for each mode. */
  mode: podNetworkModeSchema,
  /** Calico IPAM block size per node (Calico accepts 20 to 32). */
  blockSize: wholeNumber(20, 32).default(26),
  /** SNAT pod traffic leaving the pool. */
  natOutgoing: z.boolean().default(true),
  /**
   * MTU of the node network interface; the pod MTU is this minus the encapsulation overhead.
   * @default 9001 on EKS (jumbo frames inside a VPC), 1500 on-prem
   */
  interfaceMtu: wholeNumber(1280, 9216).optional(),
};

const calicoShape = {
  ...podNetworkFields,
  platform: platformSchema,
  podCidr: cidr("10.244.0.0/16").optional(),
  bgp: z.boolean().optional(),
  vpcCidr: cidr().optional(),
  nodeCidrs: z.array(cidr("192.168.10.0/24")).optional(),
  serviceCidr: cidr("172.20.0.0/16").optional(),
  version: chartVersion("calico").default(VERSIONS.calico),
  valuesOverride: helmValuesSchema.optional(),
  namespaceSecurity: namespaceSecuritySchema,
} satisfies PropsShape<CalicoProps>;

type Fail = (path: string, message: string) => void;

export const calicoPropsSchema = withRules(z.object(calicoShape).strict(), (props, ctx) => {
  const fail: Fail = (path, message) => ctx.addIssue({ code: "custom", path: [path], message });
  checkPlatform(props, fail);
  checkBgp(props, fail);
  if (podNetworkTraits(props.mode).cni === "calico") checkPool(props, fail);
  for (const { path, message } of removedValueProblems(props.valuesOverride, props.version)) {
    ctx.addIssue({ code: "custom", path: ["valuesOverride", ...path], message });
  }
}).transform((props) => ({
  ...props,
  interfaceMtu: props.interfaceMtu ?? DEFAULT_INTERFACE_MTU[props.platform],
  bgp: props.bgp ?? podNetworkTraits(props.mode).bgp,
}));

type ParsedCalicoProps = z.output<z.ZodObject<typeof calicoShape>>;

function checkPlatform({ mode, platform }: ParsedCalicoProps, fail: Fail): void {
  const problem = podNetworkPlatformProblem(platform, mode);
  if (problem) fail("mode", problem);
}

/**
 * Why a pod network mode cannot work on a platform, or undefined when it can: EKS nodes span
 * several subnets, and only EKS has the AWS VPC CNI. The environment checks report it too.
 */
export function podNetworkPlatformProblem(
  platform: Platform,
  mode: PodNetworkMode,
): string | undefined {
  const traits = podNetworkTraits(mode);
  if (platform === "eks" && traits.singleSubnetOnly) {
    return (
      `"${mode}" needs every node in one L2 subnet, but EKS nodes span several subnets and ` +
      'zones; use "ipip-cross-subnet" or "vxlan-cross-subnet"'
    );
  }
  if (platform === "onprem" && traits.cni === "aws-vpc-cni") {
    return (
      `"${mode}" relies on the AWS VPC CNI, which exists only on EKS; on-prem choose a Calico ` +
      'CNI mode such as "direct", "ipip" or "vxlan"'
    );
  }
  return undefined;
}

/** `bgp` may only turn BGP on where the mode does not need it, as Calico itself allows. */
function checkBgp({ mode, bgp }: ParsedCalicoProps, fail: Fail): void {
  const traits = podNetworkTraits(mode);
  if (bgp === false && traits.bgp) {
    fail(
      "bgp",
      `cannot be false in mode "${mode}": its routes are distributed by BGP and Calico rejects ` +
        'the Installation; use "vxlan" or "vxlan-cross-subnet" to run without BGP',
    );
  }
  if (bgp === true && traits.cni !== "calico") {
    fail(
      "bgp",
      `cannot be true in mode "${mode}": the AWS VPC CNI routes pods, so Calico has no routes ` +
        "to announce; omit bgp",
    );
  }
}

/** The IP pool: present, holding whole blocks, clear of the VPC, node and service ranges. */
function checkPool(props: ParsedCalicoProps, fail: Fail): void {
  const { podCidr, blockSize } = props;
  if (podCidr === undefined) {
    fail("podCidr", `is required in mode "${props.mode}" (the Calico IP pool)`);
    return;
  }
  if (Token.isUnresolved(podCidr)) return;
  const pool = parseCidr(podCidr) as Ipv4Cidr;
  if (blockSize < pool.prefix) {
    fail(
      "blockSize",
      `/${blockSize} is larger than the /${pool.prefix} podCidr; use a block size of at least ${pool.prefix}`,
    );
  }
  const reserved: [string, string | undefined][] = [
    ["vpcCidr", props.vpcCidr],
    ["serviceCidr", props.serviceCidr],
    ...(props.nodeCidrs ?? []).map((c, i): [string, string] => [`nodeCidrs[${i}]`, c]),
  ];
  for (const [field, text] of reserved) {
    const range = text === undefined || isUnresolved(text) ? undefined : parseCidr(text);
    if (range && overlaps(pool, range)) {
      fail(
        "podCidr",
        `${podCidr} overlaps ${field} ${text}; pick a pod range disjoint from the VPC, node and service ranges`,
      );
    }
  }
}

/** Calico's own default AS number for the cluster's nodes. */
export const DEFAULT_AS_NUMBER = 64512;

const peerShape = {
  name: kubernetesName,
  peerAddress: ipv4,
  asNumber,
} satisfies PropsShape<CalicoBgpPeer>;

/** The routers every node peers with, each named once: the environment's `calicoBgp.peers` too. */
export const calicoBgpPeersSchema = z
  .array(z.object(peerShape).strict())
  .superRefine(uniqueNames("peer"));

/** A LoadBalancer block Calico announces: CIDRs only (serviceLoadBalancerIPs takes no ranges). */
const loadBalancerCidr = checkedString(
  (text) => parseCidr(text) !== undefined,
  (text) =>
    parseAddressRange(text)
      ? `is the range "${text}", but serviceLoadBalancerIPs takes CIDRs only; write it as CIDR blocks such as 192.168.20.0/28`
      : `must be an IPv4 CIDR with no host bits set, such as 192.168.20.0/28; got "${text}"`,
);

const calicoBgpShape = {
  // Not instanceof: calico.ts imports this module.
  calico: z.custom<Calico>(
    (value) =>
      typeof value === "object" && value !== null && typeof (value as Calico).bgp === "boolean",
    { message: "must be the Calico construct whose BGP these settings configure" },
  ),
  asNumber: asNumber.default(DEFAULT_AS_NUMBER),
  peers: calicoBgpPeersSchema.default([]),
  serviceLoadBalancerCidrs: z.array(loadBalancerCidr).default([]),
  dependsOn: dependables,
} satisfies PropsShape<CalicoBgpProps>;

export const calicoBgpPropsSchema = withRules(z.object(calicoBgpShape).strict(), (props, ctx) => {
  if (!props.calico.bgp) {
    ctx.addIssue({
      code: "custom",
      path: ["calico"],
      message:
        "does not run BGP, so nothing would use these settings; choose a BGP pod network mode " +
        '("direct", "ipip", "ipip-cross-subnet") or set CalicoProps.bgp',
    });
  }
});
