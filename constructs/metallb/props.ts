/**
 * MetalLbProps: the one place their rules and defaults live. The environment schema composes the
 * pool, L2, BGP and Calico announcement schemas.
 */
import { z } from "zod";
import { parseCidr } from "../shared/cidr";
import { parseNodeSegments } from "../shared/node-network";
import { namespaceSecuritySchema, nodeSegmentSchema, platformSchema } from "../shared/props";
import {
  addressRange,
  asNumber,
  chartVersion,
  cidr,
  dependables,
  ipv4,
  kubernetesName,
  ownedNamespace,
  uniqueNames,
} from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import { VERSIONS } from "../versions";
import { checkMetalLbLayout } from "./layout";
import type {
  MetalLbBgp,
  MetalLbBgpPeer,
  MetalLbCalicoAnnouncement,
  MetalLbL2,
  MetalLbPool,
  MetalLbProps,
} from "./metallb";

const poolShape = {
  name: kubernetesName,
  addresses: z.array(addressRange).min(1, { message: "is empty; list at least one range" }),
  autoAssign: z.boolean().default(true),
  avoidBuggyIPs: z.boolean().default(true),
} satisfies PropsShape<MetalLbPool>;

/** The address pools, each named once. */
export const metallbPoolsSchema = z
  .array(z.object(poolShape).strict())
  .min(1, { message: "is empty; define at least one address pool" })
  .superRefine(uniqueNames("pool"));

const l2Shape = {
  pools: z.array(kubernetesName).optional(),
  interfaces: z.array(z.string()).optional(),
  nodeSelectors: z.array(z.record(z.string())).optional(),
} satisfies PropsShape<MetalLbL2>;

export const metallbL2Schema = z.object(l2Shape).strict();

const peerShape = {
  name: kubernetesName,
  myASN: asNumber,
  peerASN: asNumber,
  peerAddress: ipv4,
} satisfies PropsShape<MetalLbBgpPeer>;

const bgpShape = {
  peers: z
    .array(z.object(peerShape).strict())
    .min(1, { message: "is empty; list at least one router to peer with" })
    .superRefine(uniqueNames("peer")),
  pools: z.array(kubernetesName).optional(),
} satisfies PropsShape<MetalLbBgp>;

export const metallbBgpSchema = z.object(bgpShape).strict();

const calicoAnnouncesShape = {
  pools: z.array(kubernetesName).optional(),
} satisfies PropsShape<MetalLbCalicoAnnouncement>;

export const metallbCalicoAnnouncesSchema = z.object(calicoAnnouncesShape).strict();

const metallbShape = {
  platform: platformSchema,
  pools: metallbPoolsSchema,
  l2: metallbL2Schema.optional(),
  bgp: metallbBgpSchema.optional(),
  calicoAnnounces: metallbCalicoAnnouncesSchema.optional(),
  calicoBgp: z.boolean(),
  nodeSegments: z.array(nodeSegmentSchema).optional(),
  reservedCidrs: z.array(cidr("10.96.0.0/12")).optional(),
  strictArp: z.boolean().default(false),
  version: chartVersion("metallb").default(VERSIONS.metallb),
  namespace: ownedNamespace.default("metallb-system"),
  dependsOn: dependables.optional(),
  namespaceSecurity: namespaceSecuritySchema,
} satisfies PropsShape<MetalLbProps>;

/**
 * Checks how the props relate (announcers, pool placement) and resolves which pools each
 * announcement covers. A transform, so it runs only once every field is valid.
 */
export const metallbPropsSchema = z
  .object(metallbShape)
  .strict()
  .transform((props, ctx) => {
    const fail = (path: readonly (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path: [...path], message });
    if (props.platform === "eks") {
      fail(
        ["platform"],
        "is eks, but MetalLB cannot work on AWS: a VPC answers ARP itself and has no BGP to peer " +
          "with; expose Services through an NLB instead",
      );
    }
    if (!props.l2 && !props.bgp && !props.calicoAnnounces) {
      fail([], "needs l2, bgp or calicoAnnounces: without an announcement no address is reachable");
    }
    if (props.bgp && props.calicoBgp) {
      fail(
        ["bgp"],
        "cannot run beside Calico's BGP (calicoBgp is true): BGP allows one session per pair of " +
          "hosts, so routers refuse MetalLB's session next to Calico's, and both want TCP 179 on " +
          "the nodes; let Calico announce the pools instead (calicoAnnounces, with CalicoBgp peers " +
          "and serviceLoadBalancerCidrs), or use l2",
      );
    }
    if (props.calicoAnnounces && !props.calicoBgp) {
      fail(
        ["calicoAnnounces"],
        "needs Calico to run BGP (calicoBgp is false); use a BGP pod network mode, or announce " +
          "the pools with l2 or bgp",
      );
    }
    const segments = props.nodeSegments ? parseNodeSegments(props.nodeSegments) : undefined;
    for (const problem of segments?.problems ?? []) {
      fail(["nodeSegments", ...problem.path], problem.message);
    }
    const layout = checkMetalLbLayout({
      pools: props.pools,
      l2: props.l2,
      bgp: props.bgp,
      calicoAnnounces: props.calicoAnnounces,
      segments: segments?.parsed,
      reserved: (props.reservedCidrs ?? []).flatMap((text) => {
        const range = parseCidr(text);
        return range ? [{ label: `reserved range ${text}`, range }] : [];
      }),
    });
    for (const problem of layout.problems) fail(problem.path, problem.message);
    const { l2Pools, bgpPools, calicoPools } = layout;
    return { ...props, l2Pools, bgpPools, calicoPools };
  });
