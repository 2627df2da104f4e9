import { ITerraformDependable, Token } from "cdktf";
import { Construct } from "constructs";
import { parseAddressRange, parseCidr, parseIpv4 } from "../shared/cidr";
import { assertDnsLabel } from "../shared/kubernetes";
import { ManifestsRelease } from "../shared/manifests-release";
import { CALICO_CHART, Calico } from "./calico";

/** A router every node peers with (a global `BGPPeer`). */
export interface CalicoBgpPeer {
  /** Object name. */
  readonly name: string;
  /** The router's address. */
  readonly peerAddress: string;
  /** The router's AS number. */
  readonly asNumber: number;
}

export interface CalicoBgpProps {
  /** The Calico installation; it must run BGP (a BGP mode, or `bgp: true`). */
  readonly calico: Calico;
  /** The AS number of the cluster's nodes. @default 64512, Calico's own default */
  readonly asNumber?: number;
  /** Routers every node peers with. @default none (the node-to-node mesh only) */
  readonly peers?: readonly CalicoBgpPeer[];
  /**
   * LoadBalancer address blocks Calico announces to its peers (`serviceLoadBalancerIPs`): the
   * CIDRs of MetalLB pools that only allocate (`MetalLb.calicoAnnouncedCidrs`). CIDRs only;
   * Calico announces each block whole, plus a /32 per Service with `externalTrafficPolicy: Local`
   * from the nodes running its pods.
   * @default none
   */
  readonly serviceLoadBalancerCidrs?: readonly string[];
  /**
   * What has to exist first: Calico's CRDs. Today the Calico release; a gate on Calico reporting
   * Available is the sturdier choice.
   */
  readonly dependsOn: ITerraformDependable[];
}

/** The `crd.projectcalico.org/v1` objects this construct renders. */
export const CALICO_CRD_API = "crd.projectcalico.org/v1";

const DEFAULT_AS_NUMBER = 64512;

/**
 * Calico's cluster BGP settings, which the tigera-operator chart does not render: the
 * `BGPConfiguration` named `default` (AS number, node-to-node mesh, LoadBalancer addresses to
 * announce) and one global `BGPPeer` per router, through the project's manifests chart.
 *
 * They are written as `crd.projectcalico.org/v1`, the CRDs Calico stores its resources in, not as
 * `projectcalico.org/v3`: v3 is served by Calico's aggregated API server, a pod that exists only
 * once the pod network runs (and on EKS needs the control plane to reach it), so Helm could not
 * even map the kind on a fresh cluster. The v1 CRDs exist as soon as Calico is installed. They
 * skip the API server's validation and defaulting, so everything rendered here is checked at
 * synth, and the fields are the ones the v3.31 CRDs define.
 */
export class CalicoBgp extends Construct {
  readonly resources: ManifestsRelease;

  constructor(scope: Construct, id: string, props: CalicoBgpProps) {
    super(scope, id);
    if (!props.calico.bgp) {
      throw new Error(
        "CalicoBgpProps.calico does not run BGP, so nothing would use these settings; choose a " +
          'BGP pod network mode ("direct", "ipip", "ipip-cross-subnet") or set CalicoProps.bgp',
      );
    }
    const asNumber = props.asNumber ?? DEFAULT_AS_NUMBER;
    validateAsNumber("CalicoBgpProps.asNumber", asNumber);
    const peers = props.peers ?? [];
    validatePeers(peers);
    const cidrs = props.serviceLoadBalancerCidrs ?? [];
    cidrs.forEach(validateServiceCidr);

    const manifests: object[] = [
      {
        apiVersion: CALICO_CRD_API,
        kind: "BGPConfiguration",
        metadata: { name: "default" },
        spec: {
          asNumber,
          // The mesh carries pod routes between nodes; peering with routers does not replace it.
          nodeToNodeMeshEnabled: true,
          ...(cidrs.length > 0 ? { serviceLoadBalancerIPs: cidrs.map((cidr) => ({ cidr })) } : {}),
        },
      },
      // No node selector: every node peers with every router.
      ...peers.map((peer) => ({
        apiVersion: CALICO_CRD_API,
        kind: "BGPPeer",
        metadata: { name: peer.name },
        spec: { peerIP: peer.peerAddress, asNumber: peer.asNumber },
      })),
    ];
    this.resources = new ManifestsRelease(this, "resources", {
      releaseName: "calico-bgp",
      namespace: CALICO_CHART.namespace,
      manifests,
      dependsOn: props.dependsOn,
    });
  }
}

function validateAsNumber(where: string, asn: number): void {
  if (!Number.isInteger(asn) || asn < 1 || asn > 4294967295) {
    throw new Error(`${where} must be an integer from 1 to 4294967295; got ${asn}`);
  }
}

function validatePeers(peers: readonly CalicoBgpPeer[]): void {
  const names = new Set<string>();
  peers.forEach((peer, i) => {
    const where = `CalicoBgpProps.peers[${i}]`;
    assertDnsLabel(`${where}.name`, peer.name);
    if (names.has(peer.name)) {
      throw new Error(`${where}.name "${peer.name}" is used twice; name each peer once`);
    }
    names.add(peer.name);
    if (!Token.isUnresolved(peer.peerAddress) && parseIpv4(peer.peerAddress) === undefined) {
      throw new Error(`${where}.peerAddress must be an IPv4 address; got "${peer.peerAddress}"`);
    }
    validateAsNumber(`${where}.asNumber`, peer.asNumber);
  });
}

function validateServiceCidr(text: string, i: number): void {
  if (Token.isUnresolved(text) || parseCidr(text)) return;
  const where = `CalicoBgpProps.serviceLoadBalancerCidrs[${i}]`;
  throw new Error(
    parseAddressRange(text)
      ? `${where} is the range "${text}", but serviceLoadBalancerIPs takes CIDRs only; write it as CIDR blocks such as 192.168.20.0/28`
      : `${where} must be an IPv4 CIDR with no host bits set, such as 192.168.20.0/28; got "${text}"`,
  );
}
