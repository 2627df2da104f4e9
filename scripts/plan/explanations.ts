/**
 * Plain-language consequences of replacements whose forcing attribute does not say how much is
 * lost.
 */
import type { ResourceChangeJson } from "./plan-json";

const POLICY_ONLY = "policy-only on the AWS VPC CNI";
const CALICO_CNI = "a Calico CNI mode";

/**
 * What a replacement takes with it, when its forcing attribute alone does not say. EKS installs
 * the VPC CNI (`bootstrap_self_managed_addons = true`, the policy-only mode), or nothing for Calico
 * as the CNI, only when it creates a cluster: moving between the two families replaces the cluster.
 */
export function replacementExplanation(change: ResourceChangeJson): string | undefined {
  const forced = (change.change.replace_paths ?? []).some(
    (p) => p.length === 1 && p[0] === "bootstrap_self_managed_addons",
  );
  if (change.type !== "aws_eks_cluster" || !forced) return undefined;
  const before = (change.change.before as { bootstrap_self_managed_addons?: unknown } | null)
    ?.bootstrap_self_managed_addons;
  const [from, to] = before === false ? [CALICO_CNI, POLICY_ONLY] : [POLICY_ONLY, CALICO_CNI];
  return (
    `The pod network's CNI family changed (${from} → ${to}). The CNI family is fixed for a ` +
    "cluster's life, so this REPLACES the cluster and everything on it: node groups, add-ons, " +
    "Karpenter nodes and every workload."
  );
}
