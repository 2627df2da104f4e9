import { CALICO_SYSTEM_WORKLOADS } from "../constructs/calico";
import { SystemWorkload, eksAddonWorkloads } from "../constructs/eks";
import { karpenterSystemWorkload } from "../constructs/karpenter";
import { PodNetworkMode, podNetworkTraits } from "../constructs/shared/pod-network";

/**
 * What an EKS environment's stacks put on the system node group before Karpenter can add nodes:
 * the EKS add-ons and CoreDNS, Calico, and Karpenter's controller (pinned there). The ingress
 * controller comes after the node pools and may land on Karpenter's nodes, so it is not counted.
 */
export function eksSystemWorkloads(mode: PodNetworkMode): SystemWorkload[] {
  const vpcCni = podNetworkTraits(mode).cni === "aws-vpc-cni";
  return [...eksAddonWorkloads({ vpcCni }), ...CALICO_SYSTEM_WORKLOADS, karpenterSystemWorkload()];
}
