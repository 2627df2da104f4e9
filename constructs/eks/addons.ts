import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { parseProps } from "../shared/validation/parse-props";
import { corednsAddonPropsSchema } from "./props";
import type { SystemWorkload } from "./system-capacity";

/**
 * An EKS managed add-on. No `addon_version` pin: EKS installs its default version for the
 * cluster's Kubernetes version. That version stays put afterwards (a cluster upgrade does not
 * move it), so after upgrading the cluster, update the add-ons explicitly. OVERWRITE on create
 * adopts a self-managed copy EKS bootstrapped, if any; PRESERVE on update keeps changes made
 * through the add-on's configuration.
 */
export function managedAddon(
  scope: Construct,
  id: string,
  clusterName: string,
  addonName: string,
  dependsOn?: ITerraformDependable[],
): EksAddon {
  return new EksAddon(scope, id, {
    clusterName,
    addonName,
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "PRESERVE",
    dependsOn,
  });
}

export interface CorednsAddonProps {
  readonly clusterName: string;
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
    this.addon = managedAddon(this, "addon", p.clusterName, "coredns", p.dependsOn);
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
