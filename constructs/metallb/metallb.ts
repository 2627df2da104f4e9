import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { parseCidr, parseIpv4 } from "../shared/cidr";
import { Platform, isDnsLabel } from "../shared/kubernetes";
import { ManifestsRelease } from "../shared/manifests-release";
import { NodeSegment, parseNodeSegments } from "../shared/node-network";
import { VERSIONS } from "../versions";
import { LayoutProblem, checkMetalLbLayout, formatLayoutPath } from "./layout";

/** A MetalLB `IPAddressPool`. */
export interface MetalLbPool {
  /** Object name; advertisements and Service annotations refer to the pool by it. */
  readonly name: string;
  /** CIDRs (`192.168.10.240/28`) or inclusive ranges (`192.168.10.240-192.168.10.250`). */
  readonly addresses: readonly string[];
  /**
   * Hand out addresses to any LoadBalancer Service; when false, only Services that ask for
   * this pool (`metallb.io/address-pool`) or one of its addresses get one.
   * @default true
   */
  readonly autoAssign?: boolean;
  /** Skip `.0` and `.255` addresses, which some old clients mistake for network/broadcast. @default true */
  readonly avoidBuggyIPs?: boolean;
}

/** Announce pools with ARP on the node network (one `L2Advertisement`). */
export interface MetalLbL2 {
  /** Pools to announce. @default every pool Calico does not announce */
  readonly pools?: readonly string[];
  /** Node interfaces to answer ARP on. @default every interface */
  readonly interfaces?: readonly string[];
  /** Nodes allowed to announce, as label sets (each a `matchLabels`). @default every node */
  readonly nodeSelectors?: readonly Readonly<Record<string, string>>[];
}

export interface MetalLbBgpPeer {
  readonly name: string;
  readonly myASN: number;
  readonly peerASN: number;
  readonly peerAddress: string;
}

/**
 * Announce pools to BGP routers (`BGPPeer`s and one `BGPAdvertisement`). Not beside Calico's BGP:
 * use `calicoAnnounces` there.
 */
export interface MetalLbBgp {
  readonly peers: readonly MetalLbBgpPeer[];
  /** Pools to announce. @default every pool Calico does not announce */
  readonly pools?: readonly string[];
}

/**
 * Pools whose addresses Calico announces over its own BGP sessions (give their CIDRs to
 * `CalicoBgp.serviceLoadBalancerCidrs`, see `calicoAnnouncedCidrs`). MetalLB only allocates from
 * them: they get no advertisement, and without `l2` or `bgp` the speaker is not installed at all.
 */
export interface MetalLbCalicoAnnouncement {
  /** @default every pool */
  readonly pools?: readonly string[];
}

export interface MetalLbProps {
  /** MetalLB works on-prem only; `eks` is rejected (use an NLB there). */
  readonly platform: Platform;
  readonly pools: readonly MetalLbPool[];
  /** L2 announcement. At least one of `l2`, `bgp` and `calicoAnnounces` is required. @default none */
  readonly l2?: MetalLbL2;
  /**
   * MetalLB's own BGP announcement; rejected when `calicoBgp` is true (use `calicoAnnounces`).
   * @default none
   */
  readonly bgp?: MetalLbBgp;
  /** Pools Calico announces; needs `calicoBgp`. @default none */
  readonly calicoAnnounces?: MetalLbCalicoAnnouncement;
  /**
   * Whether Calico runs BGP on the nodes (`Calico.bgp`). MetalLB's BGP cannot run beside it:
   * BGP allows one session per pair of hosts, so a router already peering with Calico refuses
   * MetalLB's session, and both speakers want TCP 179 on the host network.
   */
  readonly calicoBgp: boolean;
  /**
   * The L2 segments nodes sit on. L2 pools must lie inside one (ARP only reaches the local
   * segment) and BGP- or Calico-announced pools outside all of them; no pool may touch node
   * addresses, gateways, or a segment's network and broadcast addresses.
   * @default no placement check
   */
  readonly nodeSegments?: readonly NodeSegment[];
  /**
   * Other ranges (CIDRs) no pool address may fall in, such as the pod and service ranges.
   * @default no check
   */
  readonly reservedCidrs?: readonly string[];
  /**
   * kube-proxy runs in IPVS mode, so it needs `ipvs.strictARP: true`: otherwise it answers ARP
   * for every Service address on every node and L2 announcement breaks. MetalLB cannot change
   * kube-proxy's config (configmap kube-system/kube-proxy), so with `l2` set this adds a synth
   * warning naming the change to make.
   * @default false
   */
  readonly strictArp?: boolean;
  /** Chart version. @default VERSIONS.metallb */
  readonly version?: string;
  /** @default "metallb-system" */
  readonly namespace?: string;
  /** Waits for these before installing, e.g. the CNI release. @default none */
  readonly dependsOn?: ITerraformDependable[];
}
export const METALLB_CHART = {
  repository: "https://metallb.github.io/metallb",
  chart: "metallb",
} as const;

const API_V1BETA1 = "metallb.io/v1beta1";
const API_V1BETA2 = "metallb.io/v1beta2";

/**
 * MetalLB for on-prem LoadBalancer Services: the chart in a privileged namespace (the speaker
 * needs host networking and raw sockets), then its pools and advertisements as one release of
 * the project's manifests chart, after the chart's webhooks are up.
 */
export class MetalLb extends Construct {
  readonly namespace: string;
  readonly release: Release;
  /** The pools, advertisements and peers. */
  readonly resources: ManifestsRelease;
  readonly poolNames: readonly string[];
  /** Addresses of the pools Calico announces, for `CalicoBgp.serviceLoadBalancerCidrs`. */
  readonly calicoAnnouncedCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: MetalLbProps) {
    super(scope, id);
    if (props.platform === "eks") {
      throw new Error(
        "MetalLbProps.platform is eks, but MetalLB cannot work on AWS: a VPC answers ARP itself " +
          "and has no BGP to peer with; expose Services through an NLB instead",
      );
    }
    validateAnnouncers(props);
    const { l2Pools, bgpPools, calicoPools } = validateLayout(props);
    this.poolNames = props.pools.map((p) => p.name);
    this.calicoAnnouncedCidrs = props.pools
      .filter((p) => calicoPools.includes(p.name))
      .flatMap((p) => p.addresses);
    if (props.bgp?.peers.length === 0) {
      throw new Error("MetalLbProps.bgp.peers is empty; list at least one router to peer with");
    }
    props.bgp?.peers.forEach(validatePeer);
    if (props.strictArp && props.l2) {
      Annotations.of(this).addWarning(
        "kube-proxy runs in IPVS mode: make sure its config (configmap kube-system/kube-proxy) " +
          "sets ipvs.strictARP: true, or MetalLB's L2 announcement will not work",
      );
    }

    this.namespace = props.namespace ?? "metallb-system";
    const namespace = new NamespaceV1(this, "namespace", {
      dependsOn: props.dependsOn,
      metadata: {
        name: this.namespace,
        // The speaker runs with host networking and NET_RAW.
        labels: Object.fromEntries(
          ["enforce", "audit", "warn"].map((mode) => [
            `pod-security.kubernetes.io/${mode}`,
            "privileged",
          ]),
        ),
      },
    });

    this.release = new Release(this, "chart", {
      name: "metallb",
      repository: METALLB_CHART.repository,
      chart: METALLB_CHART.chart,
      version: props.version ?? VERSIONS.metallb,
      namespace: this.namespace,
      createNamespace: false,
      // The resources below need the CRDs and the validating webhook up first.
      wait: true,
      // The speaker only announces; when Calico announces every pool it would open BGP
      // sessions of its own beside Calico's, so MetalLB runs as an allocator only.
      ...(props.l2 || props.bgp
        ? {}
        : { values: [JSON.stringify({ speaker: { enabled: false } })] }),
      dependsOn: [namespace],
    });

    const metadata = (name: string) => ({ name, namespace: this.namespace });
    const manifests: object[] = props.pools.map((pool) => ({
      apiVersion: API_V1BETA1,
      kind: "IPAddressPool",
      metadata: metadata(pool.name),
      spec: {
        addresses: pool.addresses,
        autoAssign: pool.autoAssign ?? true,
        avoidBuggyIPs: pool.avoidBuggyIPs ?? true,
      },
    }));
    if (props.l2) {
      manifests.push({
        apiVersion: API_V1BETA1,
        kind: "L2Advertisement",
        metadata: metadata("l2"),
        spec: {
          ipAddressPools: l2Pools,
          ...(props.l2.interfaces ? { interfaces: props.l2.interfaces } : {}),
          ...(props.l2.nodeSelectors
            ? { nodeSelectors: props.l2.nodeSelectors.map((matchLabels) => ({ matchLabels })) }
            : {}),
        },
      });
    }
    if (props.bgp) {
      for (const peer of props.bgp.peers) {
        manifests.push({
          apiVersion: API_V1BETA2,
          kind: "BGPPeer",
          metadata: metadata(peer.name),
          spec: { myASN: peer.myASN, peerASN: peer.peerASN, peerAddress: peer.peerAddress },
        });
      }
      manifests.push({
        apiVersion: API_V1BETA1,
        kind: "BGPAdvertisement",
        metadata: metadata("bgp"),
        spec: { ipAddressPools: bgpPools },
      });
    }

    this.resources = new ManifestsRelease(this, "resources", {
      releaseName: "metallb-resources",
      namespace: this.namespace,
      manifests,
      dependsOn: [this.release],
    });
  }
}

function validateAnnouncers(props: MetalLbProps): void {
  if (!props.l2 && !props.bgp && !props.calicoAnnounces) {
    throw new Error(
      "MetalLbProps needs l2, bgp or calicoAnnounces: without an announcement no address is reachable",
    );
  }
  if (props.bgp && props.calicoBgp) {
    throw new Error(
      "MetalLbProps.bgp cannot run beside Calico's BGP (calicoBgp is true): BGP allows one " +
        "session per pair of hosts, so routers refuse MetalLB's session next to Calico's, and " +
        "both want TCP 179 on the nodes; let Calico announce the pools instead (calicoAnnounces, " +
        "with CalicoBgp peers and serviceLoadBalancerCidrs), or use l2",
    );
  }
  if (props.calicoAnnounces && !props.calicoBgp) {
    throw new Error(
      "MetalLbProps.calicoAnnounces needs Calico to run BGP (calicoBgp is false); use a BGP " +
        "pod network mode, or announce the pools with l2 or bgp",
    );
  }
}

/** Checks pools against each other, the node segments and reserved ranges; returns who announces what. */
function validateLayout(props: MetalLbProps) {
  const fail = (prefix: readonly string[], problem: LayoutProblem): never => {
    const path = formatLayoutPath([...prefix, ...problem.path]);
    throw new Error(`MetalLbProps.${path} ${problem.message}`);
  };
  const segments = props.nodeSegments ? parseNodeSegments(props.nodeSegments) : undefined;
  if (segments?.problems[0]) fail(["nodeSegments"], segments.problems[0]);
  const reserved = (props.reservedCidrs ?? []).map((text, i) => {
    const range = parseCidr(text);
    if (!range) {
      throw new Error(
        `MetalLbProps.reservedCidrs[${i}] must be an IPv4 CIDR such as 10.96.0.0/12; got "${text}"`,
      );
    }
    return { label: `reserved range ${text}`, range };
  });
  const layout = checkMetalLbLayout({
    pools: props.pools,
    l2: props.l2,
    bgp: props.bgp,
    calicoAnnounces: props.calicoAnnounces,
    segments: segments?.parsed,
    reserved,
  });
  if (layout.problems[0]) fail([], layout.problems[0]);
  return layout;
}

function validatePeer(peer: MetalLbBgpPeer, i: number): void {
  const where = `MetalLbProps.bgp.peers[${i}]`;
  if (!isDnsLabel(peer.name)) {
    throw new Error(`${where}.name must be a DNS label; got "${peer.name}"`);
  }
  if (parseIpv4(peer.peerAddress) === undefined) {
    throw new Error(`${where}.peerAddress must be an IPv4 address; got "${peer.peerAddress}"`);
  }
  for (const key of ["myASN", "peerASN"] as const) {
    const asn = peer[key];
    if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) {
      throw new Error(`${where}.${key} must be an integer from 1 to 4294967295; got ${asn}`);
    }
  }
}
