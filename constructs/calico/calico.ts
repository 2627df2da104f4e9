import { Token } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { Ipv4Cidr, overlaps, parseCidr } from "../shared/cidr";
import { HelmValues, Platform, mergeValues } from "../shared/kubernetes";
import {
  CalicoEncapsulation,
  DEFAULT_INTERFACE_MTU,
  PodNetworkMode,
  podMtu,
  podNetworkTraits,
} from "../shared/pod-network";
import { VERSIONS } from "../versions";

export interface CalicoProps {
  /** How pods are networked; every mode-dependent value comes from `podNetworkTraits(mode)`. */
  readonly mode: PodNetworkMode;
  readonly platform: Platform;
  /**
   * The Calico IP pool pods take addresses from. Required in every mode except policy-only,
   * where the AWS VPC CNI gives pods VPC addresses and this is ignored.
   */
  readonly podCidr?: string;
  /**
   * Prefix length of the address block Calico IPAM hands each node (Calico accepts 20 to 32).
   * @default 26 (64 addresses per block)
   */
  readonly blockSize?: number;
  /**
   * SNAT pod traffic leaving the pool, so destinations outside the cluster see node addresses.
   * @default true
   */
  readonly natOutgoing?: boolean;
  /**
   * MTU of the node network interface; the pod MTU is this minus the encapsulation overhead.
   * @default 9001 on EKS (jumbo frames inside a VPC), 1500 on-prem
   */
  readonly interfaceMtu?: number;
  /**
   * Run Calico's BGP. Only a way to turn BGP on where the mode does not need it (VXLAN modes,
   * for example to peer with routers); IPIP and direct routing are distributed by BGP, so
   * turning it off there is rejected, as Calico would reject it.
   * @default the mode's `bgp` trait
   */
  readonly bgp?: boolean;
  /** The VPC range (EKS); the pod pool must not overlap it. @default no check */
  readonly vpcCidr?: string;
  /** Networks the nodes live on; the pod pool must not overlap them. @default no check */
  readonly nodeCidrs?: readonly string[];
  /** The Kubernetes service range; the pod pool must not overlap it. @default no check */
  readonly serviceCidr?: string;
  /** tigera-operator chart version (carries a `v`). @default VERSIONS.calico */
  readonly version?: string;
  /**
   * Escape hatch: chart values deep-merged over the rendered ones last (objects merge, arrays and
   * scalars replace, null removes a chart default). Nothing here is validated; prefer props.
   * @default no override
   */
  readonly valuesOverride?: Readonly<HelmValues>;
}

type EnabledDisabled = "Enabled" | "Disabled";

/** One `Installation.spec.calicoNetwork.ipPools[]` entry. */
export interface CalicoIpPoolValues {
  readonly name: string;
  readonly cidr: string;
  readonly encapsulation: CalicoEncapsulation;
  readonly natOutgoing: EnabledDisabled;
  readonly blockSize: number;
  readonly nodeSelector: string;
}

/** The tigera-operator chart values this construct renders. */
export interface CalicoValues {
  /** Becomes the `Installation` named `default`. */
  readonly installation: {
    readonly kubernetesProvider?: "EKS";
    readonly cni: { readonly type: "Calico" | "AmazonVPC" };
    readonly calicoNetwork: {
      readonly bgp: EnabledDisabled;
      readonly linuxDataplane: "Iptables";
      readonly mtu?: number;
      readonly ipPools?: readonly CalicoIpPoolValues[];
    };
  };
  /** Becomes the `FelixConfiguration` named `default`. */
  readonly defaultFelixConfiguration?: {
    readonly enabled: true;
    readonly awsSrcDstCheck: "Disable";
  };
}

export const CALICO_CHART = {
  repository: "https://docs.tigera.io/calico/charts",
  chart: "tigera-operator",
  namespace: "tigera-operator",
} as const;

/**
 * Calico through the tigera-operator chart: the CNI with an IP pool in every mode but
 * policy-only, where it only enforces NetworkPolicy next to the AWS VPC CNI. The chart renders
 * the `Installation` and the default `FelixConfiguration` itself, so no custom resources are
 * applied separately.
 */
export class Calico extends Construct {
  /** The rendered chart values, after `valuesOverride`. */
  readonly values: CalicoValues;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: CalicoProps) {
    super(scope, id);
    const traits = podNetworkTraits(props.mode);
    const calicoCni = traits.cni === "calico";
    const blockSize = props.blockSize ?? 26;
    const interfaceMtu = props.interfaceMtu ?? DEFAULT_INTERFACE_MTU[props.platform];
    const bgp = props.bgp ?? traits.bgp;

    validatePlatform(props);
    if (bgp !== traits.bgp) validateBgpOverride(props.mode, bgp);
    if (!Number.isInteger(interfaceMtu) || interfaceMtu < 1280 || interfaceMtu > 9216) {
      throw new Error(
        `CalicoProps.interfaceMtu must be an integer from 1280 to 9216; got ${interfaceMtu}`,
      );
    }
    const pool = calicoCni ? validatePool(props, blockSize) : undefined;

    const isEks = props.platform === "eks";
    const rendered: CalicoValues = {
      installation: {
        // EKS defaults the CNI to AmazonVPC, so the type is always stated.
        ...(isEks ? { kubernetesProvider: "EKS" as const } : {}),
        cni: { type: calicoCni ? "Calico" : "AmazonVPC" },
        calicoNetwork: {
          bgp: bgp ? "Enabled" : "Disabled",
          linuxDataplane: "Iptables",
          ...(pool !== undefined
            ? {
                mtu: podMtu(props.mode, interfaceMtu),
                ipPools: [
                  {
                    name: "default-ipv4-ippool",
                    cidr: pool,
                    encapsulation: traits.encapsulation as CalicoEncapsulation,
                    natOutgoing: (props.natOutgoing ?? true) ? "Enabled" : "Disabled",
                    blockSize,
                    nodeSelector: "all()",
                  },
                ],
              }
            : {}),
        },
      },
      // Natively routed pod packets carry pod source addresses, which EC2 drops unless the
      // instance's source/destination check is off; Felix turns it off on each node (the node
      // role gets the EC2 permissions from calicoNodePolicyStatements).
      ...(isEks && traits.routesNatively
        ? { defaultFelixConfiguration: { enabled: true, awsSrcDstCheck: "Disable" } as const }
        : {}),
    };
    this.values = mergeValues(rendered, props.valuesOverride);

    this.release = new Release(this, "operator", {
      name: "calico",
      repository: CALICO_CHART.repository,
      chart: CALICO_CHART.chart,
      version: props.version ?? VERSIONS.calico,
      namespace: CALICO_CHART.namespace,
      createNamespace: true,
      // Later releases need a working pod network; hold until the operator is up.
      wait: true,
      values: [JSON.stringify(this.values)],
    });
  }
}

function validatePlatform(props: CalicoProps): void {
  const traits = podNetworkTraits(props.mode);
  if (props.platform === "eks" && traits.singleSubnetOnly) {
    throw new Error(
      `CalicoProps.mode "${props.mode}" needs every node in one L2 subnet, but EKS nodes span ` +
        `several subnets and zones; use "ipip-cross-subnet" or "vxlan-cross-subnet"`,
    );
  }
  if (props.platform === "onprem" && traits.cni === "aws-vpc-cni") {
    throw new Error(
      `CalicoProps.mode "${props.mode}" relies on the AWS VPC CNI, which exists only on EKS; ` +
        `on-prem choose a Calico CNI mode such as "direct", "ipip" or "vxlan"`,
    );
  }
}

function validateBgpOverride(mode: PodNetworkMode, bgp: boolean): void {
  if (!bgp) {
    throw new Error(
      `CalicoProps.bgp cannot be false in mode "${mode}": its routes are distributed by BGP and ` +
        `Calico rejects the Installation; use "vxlan" or "vxlan-cross-subnet" to run without BGP`,
    );
  }
  if (podNetworkTraits(mode).cni !== "calico") {
    throw new Error(
      `CalicoProps.bgp cannot be true in mode "${mode}": the AWS VPC CNI routes pods, so Calico ` +
        `has no routes to announce; omit bgp`,
    );
  }
}

/** Checks the pool and returns its CIDR. */
function validatePool(props: CalicoProps, blockSize: number): string {
  if (props.podCidr === undefined) {
    throw new Error(`CalicoProps.podCidr is required in mode "${props.mode}" (the Calico IP pool)`);
  }
  if (!Number.isInteger(blockSize) || blockSize < 20 || blockSize > 32) {
    throw new Error(`CalicoProps.blockSize must be an integer from 20 to 32; got ${blockSize}`);
  }
  if (Token.isUnresolved(props.podCidr)) return props.podCidr;
  const pool = parseRange("podCidr", props.podCidr);
  if (blockSize < pool.prefix) {
    throw new Error(
      `CalicoProps.blockSize /${blockSize} is larger than the /${pool.prefix} podCidr; ` +
        `use a block size of at least ${pool.prefix}`,
    );
  }
  const reserved: [string, string | undefined][] = [
    ["vpcCidr", props.vpcCidr],
    ["serviceCidr", props.serviceCidr],
    ...(props.nodeCidrs ?? []).map((c, i): [string, string] => [`nodeCidrs[${i}]`, c]),
  ];
  for (const [field, text] of reserved) {
    if (text === undefined || Token.isUnresolved(text)) continue;
    if (overlaps(pool, parseRange(field, text))) {
      throw new Error(
        `CalicoProps.podCidr ${props.podCidr} overlaps ${field} ${text}; ` +
          `pick a pod range disjoint from the VPC, node and service ranges`,
      );
    }
  }
  return props.podCidr;
}

function parseRange(field: string, text: string): Ipv4Cidr {
  const parsed = parseCidr(text);
  if (!parsed) {
    throw new Error(
      `CalicoProps.${field} must be an IPv4 CIDR with no host bits set, such as 10.244.0.0/16; got "${text}"`,
    );
  }
  return parsed;
}
