import type { PolicyStatement } from "../shared/aws-account";
import { PodNetworkMode, podNetworkTraits } from "../shared/pod-network";

/**
 * EC2 permissions Calico's Felix needs on the node role. In modes that route pod traffic
 * natively (always, or inside a subnet) the EC2 source/destination check must be off on every
 * node; Felix turns it off itself (`awsSrcDstCheck: Disable`), so nodes Karpenter launches later
 * are covered too. Other modes need nothing.
 *
 * Both actions take `Resource: "*"`: DescribeInstances supports no resource scoping, and the
 * network interfaces Felix modifies are created with the instances.
 */
export function calicoNodePolicyStatements(mode: PodNetworkMode): PolicyStatement[] {
  if (!podNetworkTraits(mode).routesNatively) return [];
  return [
    {
      Sid: "CalicoFelixSourceDestCheck",
      Effect: "Allow",
      Action: ["ec2:DescribeInstances", "ec2:ModifyNetworkInterfaceAttribute"],
      Resource: "*",
    },
  ];
}
