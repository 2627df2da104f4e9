import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { ManifestsRelease } from "../shared/manifests-release";
import { parseProps } from "../shared/validation/parse-props";
import { CALICO_CHART, Calico } from "./calico";
import { calicoBgpPropsSchema } from "./props";

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
    const p = parseProps(calicoBgpPropsSchema, props, "CalicoBgpProps", this);
    const { asNumber, peers, serviceLoadBalancerCidrs: cidrs } = p;

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
      dependsOn: p.dependsOn,
    });
  }
}
