/**
 * The fields the doctor reads from custom resources (Calico, Karpenter, MetalLB). The client
 * returns them as plain JSON; these types name only what the checks use.
 */

/** A status condition (metav1.Condition shape, used by all three projects). */
export interface Condition {
  readonly type: string;
  readonly status: "True" | "False" | "Unknown";
  readonly reason?: string;
  readonly message?: string;
}

interface Metadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** `operator.tigera.io/v1 TigeraStatus`: one per component the operator manages. */
export interface TigeraStatus {
  readonly metadata: Metadata;
  readonly status?: { readonly conditions?: readonly Condition[] };
}

/** `operator.tigera.io/v1 Installation` named `default`. */
export interface Installation {
  readonly metadata: Metadata;
  readonly spec?: {
    readonly cni?: { readonly type?: string };
    readonly calicoNetwork?: {
      readonly bgp?: "Enabled" | "Disabled";
      readonly mtu?: number;
    };
  };
  /** `mtu`: the pod MTU the operator last observed in use (configured or auto-detected). */
  readonly status?: { readonly mtu?: number };
}

/** `crd.projectcalico.org/v1 IPPool`: what Felix and the CNI plugin actually use. */
export interface IpPool {
  readonly metadata: Metadata;
  readonly spec: {
    readonly cidr: string;
    /** `Always`, `CrossSubnet` or `Never` (absent means Never). */
    readonly ipipMode?: string;
    readonly vxlanMode?: string;
    readonly blockSize?: number;
    readonly natOutgoing?: boolean;
    readonly disabled?: boolean;
  };
}

/** `karpenter.sh/v1 NodeClaim`. */
export interface NodeClaim {
  readonly metadata: Metadata;
  readonly status?: {
    readonly nodeName?: string;
    readonly providerID?: string;
    readonly conditions?: readonly Condition[];
  };
}

/** `metallb.io/v1beta1 IPAddressPool`. */
export interface IpAddressPool {
  readonly metadata: Metadata;
  readonly spec: { readonly addresses: readonly string[] };
}

/** `metallb.io/v1beta1 L2Advertisement` or `BGPAdvertisement`. */
export interface Advertisement {
  readonly kind: "L2Advertisement" | "BGPAdvertisement";
  readonly metadata: Metadata;
  readonly spec?: {
    /** Pools announced; with no pools and no selectors, every pool is. */
    readonly ipAddressPools?: readonly string[];
    readonly ipAddressPoolSelectors?: readonly unknown[];
  };
}

export function condition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
