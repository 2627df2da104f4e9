import { createHash } from "crypto";
import { Aspects, ITerraformDependable, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import type { ClusterAccess } from "../shared/cluster-access";
import { HelmValues, Platform, mergeValues } from "../shared/kubernetes";
import { NamespaceSecurity, namespaceLevel, platformNamespace } from "../shared/namespace";
import { namespaceNetworkPolicies } from "../shared/network-policy";
import { DeleteOnDestroy, WaitForCondition } from "../shared/wait-for-condition";
import {
  CalicoEncapsulation,
  PodNetworkMode,
  podMtu,
  podNetworkTraits,
} from "../shared/pod-network";
import { parseProps } from "../shared/validation/parse-props";
import { declarePodNetworkMode } from "../shared/pod-network-agreement";
import type { SystemWorkload } from "../eks/system-capacity";
import { BgpMeshScaleCheck } from "./bgp-mesh-scale";
import { CalicoCrds, calicoCrdsInOwnChart } from "./crds";
import { IpPoolGuard } from "./pool-guard";
import { calicoPropsSchema } from "./props";

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
  /**
   * The subnets (L2 segments) nodes sit on. The pod pool must not overlap them, and on-prem
   * Calico takes each node's address from the interface inside one of them
   * (`nodeAddressAutodetectionV4.cidrs`), so BGP peers on the right NIC of a multi-NIC node.
   * @default no overlap check; the node's Kubernetes InternalIP as its address
   */
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
  /**
   * The `tigera-operator` namespace: Pod Security level `privileged` (the operator and its
   * uninstall hook use the host network and a host path), and optionally a default-deny
   * NetworkPolicy, which touches none of them (host-network pods are not subject to policy) and
   * keeps anything else run there isolated. The namespaces the operator creates (`calico-system`,
   * ...) are labelled by the operator itself.
   * @default privileged, enforced at the latest version; no NetworkPolicy
   */
  readonly namespaceSecurity?: NamespaceSecurity;
}

type EnabledDisabled = "Enabled" | "Disabled";

/** `Installation.spec.calicoNetwork.nodeAddressAutodetectionV4`: exactly one method. */
export type CalicoNodeAddressAutodetection =
  | { readonly kubernetes: "NodeInternalIP" }
  | { readonly cidrs: readonly string[] };

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
      readonly nodeAddressAutodetectionV4: CalicoNodeAddressAutodetection;
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
  /**
   * The tigera-operator release. In Calico CNI modes it does not wait for anything (see
   * `waitForReady`); with the AWS VPC CNI it waits for the operator.
   */
  readonly release: Release;
  /**
   * The release of Calico's CRDs (chart `crd.projectcalico.org.v1`), before the operator's;
   * for tigera-operator v3.32 and later, whose chart ships no CRDs.
   */
  readonly crdRelease?: Release;
  private readonly version: string;
  private teardown?: DeleteOnDestroy;
  private ready?: WaitForCondition;
  /** Whether Calico runs BGP (the mode's, or the `bgp` override). */
  readonly bgp: boolean;
  /** The `tigera-operator` namespace, with its Pod Security labels. */
  readonly namespace: NamespaceV1;
  /** The namespace's NetworkPolicies (`namespaceSecurity.networkPolicies`), else none. */
  readonly networkPolicies: readonly NetworkPolicyV1[];

  constructor(scope: Construct, id: string, props: CalicoProps) {
    super(scope, id);
    const p = parseProps(calicoPropsSchema, props, "CalicoProps", this);
    declarePodNetworkMode(this, { modes: [p.mode], inStackCluster: true });
    const traits = podNetworkTraits(p.mode);
    const calicoCni = traits.cni === "calico";
    this.bgp = p.bgp;

    const isEks = p.platform === "eks";
    const rendered: CalicoValues = {
      installation: {
        // EKS defaults the CNI to AmazonVPC, so the type is always stated.
        ...(isEks ? { kubernetesProvider: "EKS" as const } : {}),
        cni: { type: calicoCni ? "Calico" : "AmazonVPC" },
        calicoNetwork: {
          bgp: p.bgp ? "Enabled" : "Disabled",
          linuxDataplane: "Iptables",
          // The operator's default is the first interface found (on EKS: the one that can reach
          // 8.8.8.8, which fails without a default route); on a multi-NIC node BGP then peers
          // on the wrong network. The kubelet's InternalIP is the address the cluster knows the
          // node by; on-prem the node segments say it outright.
          nodeAddressAutodetectionV4:
            !isEks && p.nodeCidrs !== undefined && p.nodeCidrs.length > 0
              ? { cidrs: p.nodeCidrs }
              : { kubernetes: "NodeInternalIP" },
          ...(calicoCni && p.podCidr !== undefined
            ? {
                mtu: podMtu(p.mode, p.interfaceMtu),
                ipPools: [
                  {
                    name: "default-ipv4-ippool",
                    cidr: p.podCidr,
                    encapsulation: traits.encapsulation as CalicoEncapsulation,
                    natOutgoing: p.natOutgoing ? "Enabled" : "Disabled",
                    blockSize: p.blockSize,
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
    this.values = mergeValues(rendered, p.valuesOverride);

    this.version = p.version;
    const security = p.namespaceSecurity;
    this.namespace = platformNamespace(this, "namespace", {
      name: CALICO_CHART.namespace,
      ...namespaceLevel(
        security,
        "privileged",
        "the tigera-operator and its uninstall hook run on the host network (Calico is the pod " +
          "network, so it must run before there is one), and the operator mounts /var/lib/calico " +
          "from the host",
      ),
      podSecurityVersion: security.podSecurityVersion,
    });
    // Every pod the chart runs is on the host network: only the default deny, for anything else.
    this.networkPolicies = security.networkPolicies
      ? namespaceNetworkPolicies(this, {
          namespace: CALICO_CHART.namespace,
          components: [],
          apiServerCidrs: security.apiServerCidrs,
          dependsOn: [this.namespace],
        })
      : [];
    const before = calicoPrerequisites(this, p, [this.namespace]);
    this.crdRelease = before.crdRelease;
    this.release = new Release(this, "operator", {
      name: "calico",
      repository: CALICO_CHART.repository,
      chart: CALICO_CHART.chart,
      version: this.version,
      namespace: CALICO_CHART.namespace,
      dependsOn: [this.namespace, ...this.networkPolicies, ...before.dependables],
      // As the CNI, Calico is installed before any node can be Ready (on EKS before any node
      // exists): Helm must not wait for the operator's pod. The operator runs on the host network
      // and tolerates NotReady nodes; `waitForReady` waits for the result instead. Next to the
      // VPC CNI, nodes are Ready already and Helm waits for the operator as usual.
      wait: !calicoCni,
      values: [JSON.stringify(this.values)],
    });

    // A full BGP mesh grows with the square of the node count: warn at synth when the stack's
    // Karpenter node pools can outgrow it.
    if (p.bgp) Aspects.of(TerraformStack.of(this)).add(new BgpMeshScaleCheck(this, p.mode));
  }

  /**
   * A step that removes Calico when the stack is destroyed, before the release goes: it deletes
   * the operator's custom resources (what the chart's pre-delete hook deletes) and waits while the
   * operator finalizes the Installation and removes calico-system. The release then skips its
   * hooks (`disable_webhooks`): the hook is a Job, which needs a node, and in Calico CNI modes the
   * system nodes (which depend on the release) are gone by the time the release is uninstalled,
   * so Helm would wait out its timeout and leave the release stuck in `uninstalling`.
   *
   * Pass what the operator runs on (the system nodes); `waitForReady` then depends on the step,
   * so everything that needs pod networking is destroyed before it runs. In policy-only mode,
   * where no wait exists, depend on the returned step instead of on the release. Call it once,
   * before `waitForReady`. The machine running the destroy needs kubectl (and for EKS the AWS CLI).
   */
  teardownOnDestroy(props: {
    readonly access: ClusterAccess;
    /** What the operator runs on while it cleans up, such as the system node group. */
    readonly dependsOn?: ITerraformDependable[];
    /** @default 600 */
    readonly timeoutSeconds?: number;
  }): DeleteOnDestroy {
    if (this.teardown || this.ready) {
      throw new Error(`${this.node.path}: call teardownOnDestroy once, before waitForReady`);
    }
    this.teardown = new DeleteOnDestroy(this, "teardown", {
      access: props.access,
      objects: CALICO_CUSTOM_RESOURCES,
      waitFor: [CALICO_INSTALLATION],
      timeoutSeconds: props.timeoutSeconds,
      dependsOn: [this.release, ...(props.dependsOn ?? [])],
    });
    this.release.disableWebhooks = true;
    return this.teardown;
  }

  /**
   * A step that waits until Calico reports Available (`tigerastatus/calico`): calico-node runs on
   * every node and pods get addresses. Helm cannot wait for this, because the operator creates
   * those pods from the Installation after the release is done. Everything that needs pod
   * networking (CoreDNS, controllers, load balancers) depends on the returned step.
   *
   * It runs again when the chart version or values change, and then proves the new state, not
   * the Available left from before: the condition must report the Installation's current
   * generation, and the Installation must report the chart's Calico version as running.
   *
   * The machine running the apply needs kubectl (and for EKS the AWS CLI).
   */
  waitForReady(props: {
    readonly access: ClusterAccess;
    /** What must exist before Calico can become Available, such as the first nodes. */
    readonly dependsOn?: ITerraformDependable[];
    /** @default 900 */
    readonly timeoutSeconds?: number;
  }): WaitForCondition {
    this.ready = new WaitForCondition(this, "ready", {
      access: props.access,
      ...CALICO_READY,
      // TigeraStatus conditions carry the generation of the Installation the operator last
      // reconciled (tigera/operator's status manager, SetMetaData).
      observedGenerationOf: "installation/default",
      // The operator writes the Calico release it runs once its components are available; each
      // tigera-operator chart ships the operator of its own version.
      fieldEquals: {
        resource: "installation/default",
        jsonPath: "{.status.calicoVersion}",
        value: this.version,
      },
      timeoutSeconds: props.timeoutSeconds,
      triggers: {
        version: this.version,
        values: createHash("sha256").update(JSON.stringify(this.values)).digest("hex"),
      },
      dependsOn: [
        this.release,
        ...(this.teardown ? [this.teardown.resource] : []),
        ...(props.dependsOn ?? []),
      ],
    });
    return this.ready;
  }
}

/**
 * What the operator release waits for: the CRD release (v3.32 and later), and the guard that
 * refuses an IP pool change the running Calico would reject (Calico CNI modes, literal podCidr).
 */
function calicoPrerequisites(
  scope: Construct,
  p: ReturnType<typeof calicoPropsSchema.parse>,
  namespace: ITerraformDependable[],
): { crdRelease?: Release; dependables: ITerraformDependable[] } {
  const dependables: ITerraformDependable[] = [];
  let crdRelease: Release | undefined;
  if (calicoCrdsInOwnChart(p.version)) {
    crdRelease = new CalicoCrds(scope, "crds", {
      version: p.version,
      namespace: CALICO_CHART.namespace,
      dependsOn: namespace,
    }).release;
    dependables.push(crdRelease);
  }
  if (podNetworkTraits(p.mode).cni === "calico" && p.podCidr && !Token.isUnresolved(p.podCidr)) {
    const guard = new IpPoolGuard(scope, "ip-pool", {
      cidr: p.podCidr,
      blockSize: p.blockSize,
      fields: { cidr: "podCidr", blockSize: "blockSize" },
    });
    dependables.push(guard.resource);
  }
  return { crdRelease, dependables };
}

/** The Installation, which the operator finalizes before the rest of Calico can go. */
const CALICO_INSTALLATION = "installations.operator.tigera.io/default";

/**
 * The operator's custom resources, in the order tigera/operator's `-pre-delete` hook deletes them
 * (cmd/main.go, executePreDeleteHook); kinds a chart version does not render are skipped.
 */
const CALICO_CUSTOM_RESOURCES = [
  "whiskers.operator.tigera.io/default",
  "goldmanes.operator.tigera.io/default",
  CALICO_INSTALLATION,
  "apiservers.operator.tigera.io/default",
];

/** What "Calico is ready" means: the operator's TigeraStatus for Calico is Available. */
export const CALICO_READY = { resource: "tigerastatus/calico", condition: "Available" } as const;

/**
 * What Calico runs before anything else can, as budgets: the operator sets no resource requests
 * on its components unless the Installation overrides them, but they still use CPU and memory.
 * calico-node's budget is the 250m the Calico manifests request; Typha runs two replicas on
 * clusters of three or four nodes (the operator adds one per 200 nodes beyond).
 */
export const CALICO_SYSTEM_WORKLOADS: readonly SystemWorkload[] = [
  {
    name: "calico-node",
    replicas: "per-node",
    requests: { cpuMillis: 250, memoryMiB: 256 },
    basis: "budget",
  },
  {
    name: "tigera-operator",
    replicas: 1,
    requests: { cpuMillis: 100, memoryMiB: 128 },
    basis: "budget",
  },
  {
    name: "calico-typha",
    replicas: 2,
    requests: { cpuMillis: 100, memoryMiB: 128 },
    basis: "budget",
  },
  {
    name: "calico-kube-controllers",
    replicas: 1,
    requests: { cpuMillis: 100, memoryMiB: 128 },
    basis: "budget",
  },
  {
    name: "calico-apiserver",
    replicas: 2,
    requests: { cpuMillis: 50, memoryMiB: 128 },
    basis: "budget",
  },
  { name: "goldmane", replicas: 1, requests: { cpuMillis: 50, memoryMiB: 128 }, basis: "budget" },
  { name: "whisker", replicas: 1, requests: { cpuMillis: 50, memoryMiB: 64 }, basis: "budget" },
];
