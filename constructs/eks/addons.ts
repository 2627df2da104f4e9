import { DataAwsEksAddonVersion } from "@cdktf/provider-aws/lib/data-aws-eks-addon-version";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { parseProps } from "../shared/validation/parse-props";
import { AddonVersions, corednsAddonPropsSchema } from "./props";
import type { SystemWorkload } from "./system-capacity";

export { ADDON_VERSION_CHOICES, type AddonVersions } from "./props";

export interface ManagedAddonOptions {
  readonly clusterName: string;
  readonly addonName: string;
  /** The cluster's Kubernetes version; with it the add-on follows `versions`. @default unpinned */
  readonly kubernetesVersion?: string;
  /** @default "cluster-default" */
  readonly versions?: AddonVersions;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * An EKS managed add-on (construct ID `id`), at its default version for the cluster's Kubernetes
 * version (`<id>-version`, a data source) unless unpinned. EKS never moves an add-on by itself,
 * not even when it upgrades the control plane. OVERWRITE on create adopts a self-managed copy EKS
 * bootstrapped, if any; PRESERVE on update keeps changes made through the add-on's configuration.
 */
export function managedAddon(scope: Construct, id: string, options: ManagedAddonOptions): EksAddon {
  const { clusterName, addonName, kubernetesVersion, dependsOn } = options;
  const resolve = kubernetesVersion !== undefined && options.versions !== "unpinned";
  // The default version, not the newest: AWS moves the default deliberately, while the newest
  // changes whenever a build is published and would update add-ons on unrelated applies.
  const addonVersion = resolve
    ? new DataAwsEksAddonVersion(scope, `${id}-version`, {
        addonName,
        kubernetesVersion,
        mostRecent: false,
      }).version
    : undefined;
  return new EksAddon(scope, id, {
    clusterName,
    addonName,
    addonVersion,
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "PRESERVE",
    dependsOn,
  });
}

export interface CorednsAddonProps {
  readonly clusterName: string;
  /**
   * The cluster's Kubernetes version (`EksCluster.cluster.version`): CoreDNS then runs the
   * add-on's default version for it and moves with the cluster (see `addonVersions`).
   * @default no version pin: EKS's default at creation, never moved
   */
  readonly kubernetesVersion?: string;
  /**
   * How the add-on's version follows `kubernetesVersion` (`ADDON_VERSION_CHOICES`).
   * @default "cluster-default"
   */
  readonly addonVersions?: AddonVersions;
  /**
   * Resources that must be in place first: with Calico as the CNI, the Calico release.
   * @default none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The CoreDNS add-on on its own. With Calico as the CNI, CoreDNS pods cannot start until Calico
 * is installed, and `aws_eks_addon` fails when the add-on stays DEGRADED, so the cluster
 * construct leaves CoreDNS out and the platform stack creates this after its Calico release.
 */
export class CorednsAddon extends Construct {
  public readonly addon: EksAddon;

  constructor(scope: Construct, id: string, props: CorednsAddonProps) {
    super(scope, id);
    const p = parseProps(corednsAddonPropsSchema, props, "CorednsAddonProps", this);
    this.addon = managedAddon(this, "addon", {
      clusterName: p.clusterName,
      addonName: "coredns",
      kubernetesVersion: p.kubernetesVersion,
      versions: p.addonVersions,
      dependsOn: p.dependsOn,
    });
  }
}

/**
 * What the EKS add-ons run on every node, and CoreDNS, as the add-ons' own manifests request it
 * (kube-proxy 100m CPU; aws-node 25m; CoreDNS 100m and 70Mi per replica, two replicas). The Pod
 * Identity agent sets no requests: the figure is a budget.
 */
export function eksAddonWorkloads(options: { vpcCni: boolean }): SystemWorkload[] {
  return [
    {
      name: "kube-proxy",
      replicas: "per-node",
      requests: { cpuMillis: 100, memoryMiB: 0 },
      basis: "requests",
    },
    {
      name: "eks-pod-identity-agent",
      replicas: "per-node",
      requests: { cpuMillis: 25, memoryMiB: 32 },
      basis: "budget",
    },
    ...(options.vpcCni
      ? [
          {
            name: "aws-node",
            replicas: "per-node",
            requests: { cpuMillis: 25, memoryMiB: 0 },
            basis: "requests",
          } as const,
        ]
      : []),
    {
      name: "coredns",
      replicas: 2,
      requests: { cpuMillis: 100, memoryMiB: 70 },
      basis: "requests",
    },
  ];
}
