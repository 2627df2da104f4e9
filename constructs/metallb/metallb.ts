import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Ipv4Range, overlaps, parseAddressRange, parseCidr, parseIpv4 } from "../shared/cidr";
import { Platform, isDnsLabel } from "../shared/kubernetes";
import { ManifestsRelease } from "../shared/manifests-release";
import { VERSIONS } from "../versions";

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
  /** Pools to announce. @default every pool */
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

/** Announce pools to BGP routers (`BGPPeer`s and one `BGPAdvertisement`). */
export interface MetalLbBgp {
  readonly peers: readonly MetalLbBgpPeer[];
  /** Pools to announce. @default every pool */
  readonly pools?: readonly string[];
}

export interface MetalLbProps {
  /** MetalLB works on-prem only; `eks` is rejected (use an NLB there). */
  readonly platform: Platform;
  readonly pools: readonly MetalLbPool[];
  /** L2 announcement. At least one of `l2` and `bgp` is required. @default none */
  readonly l2?: MetalLbL2;
  /** BGP announcement. At least one of `l2` and `bgp` is required. @default none */
  readonly bgp?: MetalLbBgp;
  /**
   * Node, pod and service ranges (CIDRs) that no pool address may fall in.
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

  constructor(scope: Construct, id: string, props: MetalLbProps) {
    super(scope, id);
    if (props.platform === "eks") {
      throw new Error(
        "MetalLbProps.platform is eks, but MetalLB cannot work on AWS: a VPC answers ARP itself " +
          "and has no BGP to peer with; expose Services through an NLB instead",
      );
    }
    if (!props.l2 && !props.bgp) {
      throw new Error(
        "MetalLbProps needs l2 or bgp (or both): without an advertisement no address is reachable",
      );
    }
    validatePools(props);
    this.poolNames = props.pools.map((p) => p.name);
    const l2Pools = resolveAdvertisedPools("l2.pools", props.l2?.pools, this.poolNames);
    const bgpPools = resolveAdvertisedPools("bgp.pools", props.bgp?.pools, this.poolNames);
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

function validatePools(props: MetalLbProps): void {
  if (props.pools.length === 0) {
    throw new Error("MetalLbProps.pools is empty; define at least one address pool");
  }
  const reserved = (props.reservedCidrs ?? []).map((text, i) => {
    const cidr = parseCidr(text);
    if (!cidr) {
      throw new Error(
        `MetalLbProps.reservedCidrs[${i}] must be an IPv4 CIDR such as 10.96.0.0/12; got "${text}"`,
      );
    }
    return cidr;
  });
  const seenNames = new Set<string>();
  const seen: { field: string; text: string; range: Ipv4Range }[] = [];
  props.pools.forEach((pool, i) => {
    if (!isDnsLabel(pool.name)) {
      throw new Error(
        `MetalLbProps.pools[${i}].name must be lowercase letters, digits and hyphens (a DNS label); got "${pool.name}"`,
      );
    }
    if (seenNames.has(pool.name)) {
      throw new Error(
        `MetalLbProps.pools[${i}].name "${pool.name}" is used twice; name each pool once`,
      );
    }
    seenNames.add(pool.name);
    if (pool.addresses.length === 0) {
      throw new Error(`MetalLbProps.pools[${i}].addresses is empty; list at least one range`);
    }
    pool.addresses.forEach((text, j) => {
      const field = `pools[${i}].addresses[${j}]`;
      const range = parseAddressRange(text);
      if (!range) {
        throw new Error(
          `MetalLbProps.${field} must be a CIDR (192.168.10.240/28) or an ascending range ` +
            `(192.168.10.240-192.168.10.250); got "${text}"`,
        );
      }
      const clash = seen.find((other) => overlaps(other.range, range));
      if (clash) {
        throw new Error(
          `MetalLbProps.${field} ${text} overlaps ${clash.field} ${clash.text}; pools must be disjoint`,
        );
      }
      const reservedClash = reserved.find((cidr) => overlaps(cidr, range));
      if (reservedClash) {
        throw new Error(
          `MetalLbProps.${field} ${text} overlaps reserved range ${reservedClash.cidr}; ` +
            `pick addresses outside the node, pod and service ranges`,
        );
      }
      seen.push({ field, text, range });
    });
  });
}

function resolveAdvertisedPools(
  field: string,
  named: readonly string[] | undefined,
  poolNames: readonly string[],
): readonly string[] {
  if (named === undefined) return poolNames;
  if (named.length === 0) {
    throw new Error(`MetalLbProps.${field} is empty; omit it to announce every pool`);
  }
  const unknown = named.filter((name) => !poolNames.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `MetalLbProps.${field} names unknown pool(s) ${unknown.join(", ")}; ` +
        `defined pools: ${poolNames.join(", ")}`,
    );
  }
  return named;
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
