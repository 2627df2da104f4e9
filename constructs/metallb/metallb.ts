import { Annotations, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { Platform } from "../shared/kubernetes";
import { ManifestsRelease } from "../shared/manifests-release";
import { NamespaceSecurity, namespaceLevel, platformNamespace } from "../shared/namespace";
import { CLUSTER_PODS, namespaceNetworkPolicies } from "../shared/network-policy";
import { NodeSegment } from "../shared/node-network";
import { parseProps } from "../shared/validation/parse-props";
import { metallbPropsSchema } from "./props";
import { metallbChartValues } from "./values";

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
  /**
   * The namespace MetalLB installs into, created by this construct (adopted when it exists). Not
   * a namespace the cluster owns (`kube-system`, `default`, ...): refused at synth.
   * @default "metallb-system"
   */
  readonly namespace?: string;
  /** Waits for these before installing, e.g. the CNI release. @default none */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * The MetalLB namespace: Pod Security level `privileged` while the speaker runs (host network,
   * NET_RAW; FRR adds NET_ADMIN and SYS_ADMIN), `baseline` when MetalLB only allocates (its
   * controller sets no seccomp profile, which `restricted` requires). Optionally a default-deny
   * NetworkPolicy with the controller's allows: its validating webhook from the API server,
   * metrics from pods; out to DNS and the API server. The speaker runs on the host network,
   * outside NetworkPolicy.
   * @default the level above, enforced at the latest version; no NetworkPolicies
   */
  readonly namespaceSecurity?: NamespaceSecurity;
}
export const METALLB_CHART = {
  repository: "https://metallb.github.io/metallb",
  chart: "metallb",
} as const;

/** The controller's webhook port, and its metrics port (0.15: 7472, 0.16: 9120 over HTTPS). */
const WEBHOOK_PORT = 9443;
const METRICS_PORTS = [7472, 9120];

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
  /** The namespace resource, with its Pod Security labels. */
  readonly namespaceResource: NamespaceV1;
  /** The namespace's NetworkPolicies (`namespaceSecurity.networkPolicies`), else none. */
  readonly networkPolicies: readonly NetworkPolicyV1[];

  constructor(scope: Construct, id: string, props: MetalLbProps) {
    super(scope, id);
    const p = parseProps(metallbPropsSchema, props, "MetalLbProps", this);
    this.poolNames = p.pools.map((pool) => pool.name);
    this.calicoAnnouncedCidrs = p.pools
      .filter((pool) => p.calicoPools.includes(pool.name))
      .flatMap((pool) => pool.addresses);
    if (p.strictArp && p.l2) {
      Annotations.of(this).addWarning(
        "kube-proxy runs in IPVS mode: make sure its config (configmap kube-system/kube-proxy) " +
          "sets ipvs.strictARP: true, or MetalLB's L2 announcement will not work",
      );
    }

    this.namespace = p.namespace;
    const speaker = p.l2 !== undefined || p.bgp !== undefined;
    const security = p.namespaceSecurity;
    const namespace = platformNamespace(this, "namespace", {
      name: this.namespace,
      ...namespaceLevel(
        security,
        speaker ? "privileged" : "baseline",
        speaker
          ? "the speaker answers ARP and speaks BGP on the host network with NET_RAW (FRR adds " +
              "NET_ADMIN and SYS_ADMIN)"
          : "the controller sets no seccomp profile, which restricted requires",
      ),
      podSecurityVersion: security.podSecurityVersion,
      dependsOn: p.dependsOn,
    });
    this.namespaceResource = namespace;
    this.networkPolicies = security.networkPolicies
      ? namespaceNetworkPolicies(this, {
          namespace: this.namespace,
          components: [
            {
              name: "metallb-controller",
              podLabels: {
                "app.kubernetes.io/name": "metallb",
                "app.kubernetes.io/instance": "metallb",
                "app.kubernetes.io/component": "controller",
              },
              ingress: [
                {
                  peers: security.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })),
                  ports: [{ port: WEBHOOK_PORT }],
                },
                { peers: [CLUSTER_PODS], ports: METRICS_PORTS.map((port) => ({ port })) },
              ],
              egress: [],
            },
          ],
          apiServerCidrs: security.apiServerCidrs,
          dependsOn: [namespace],
        })
      : [];

    this.release = new Release(this, "chart", {
      name: "metallb",
      repository: METALLB_CHART.repository,
      chart: METALLB_CHART.chart,
      version: p.version,
      namespace: this.namespace,
      createNamespace: false,
      // The resources below need the CRDs and the validating webhook up first.
      wait: true,
      // The speaker only announces; when Calico announces every pool it would open BGP
      // sessions of its own beside Calico's, so MetalLB runs as an allocator only (metallbChartValues:
      // FRR-K8s only with MetalLB's own BGP).
      values: [
        JSON.stringify(metallbChartValues({ l2: p.l2 !== undefined, bgp: p.bgp !== undefined })),
      ],
      dependsOn: [namespace, ...this.networkPolicies],
    });

    const metadata = (name: string) => ({ name, namespace: this.namespace });
    const manifests: object[] = p.pools.map((pool) => ({
      apiVersion: API_V1BETA1,
      kind: "IPAddressPool",
      metadata: metadata(pool.name),
      spec: {
        addresses: pool.addresses,
        autoAssign: pool.autoAssign,
        avoidBuggyIPs: pool.avoidBuggyIPs,
      },
    }));
    if (p.l2) {
      manifests.push({
        apiVersion: API_V1BETA1,
        kind: "L2Advertisement",
        metadata: metadata("l2"),
        spec: {
          ipAddressPools: p.l2Pools,
          ...(p.l2.interfaces ? { interfaces: p.l2.interfaces } : {}),
          ...(p.l2.nodeSelectors
            ? { nodeSelectors: p.l2.nodeSelectors.map((matchLabels) => ({ matchLabels })) }
            : {}),
        },
      });
    }
    if (p.bgp) {
      for (const peer of p.bgp.peers) {
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
        spec: { ipAddressPools: p.bgpPools },
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
