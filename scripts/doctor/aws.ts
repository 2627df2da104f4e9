import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type Instance,
  type SecurityGroup,
} from "@aws-sdk/client-ec2";
import type { EksEnvironment } from "../../stacks/environment/schema";
import { awsCall } from "../lib/cluster/aws-call";
import type { V1Node } from "../lib/cluster/kubernetes-client";

/** What the EKS checks read from EC2. */
export interface AwsSnapshot {
  /**
   * Security groups tagged `karpenter.sh/discovery=<cluster>`: the node group the infra stack
   * creates, and the one Karpenter's EC2NodeClass selects for every node it launches.
   */
  readonly nodeSecurityGroups: readonly SecurityGroup[];
  /** The instances behind the cluster's nodes. */
  readonly instances: readonly Instance[];
}

/** `aws:///ap-northeast-2a/i-0123456789abcdef0` → `i-0123456789abcdef0`. */
export function instanceId(node: V1Node): string | undefined {
  return /^aws:\/\/\/[^/]+\/(i-[0-9a-f]+)$/.exec(node.spec?.providerID ?? "")?.[1];
}

/** At most this many instances are described (one page of DescribeInstances by ID). */
const MAX_INSTANCES = 1000;

export async function collectAws(
  env: EksEnvironment,
  nodes: readonly V1Node[],
  ec2: EC2Client,
  signal?: AbortSignal,
): Promise<AwsSnapshot> {
  const instanceIds = nodes
    .map(instanceId)
    .filter((id): id is string => id !== undefined)
    .slice(0, MAX_INSTANCES);
  const [groups, reservations] = await Promise.all([
    awsCall(
      "ec2:DescribeSecurityGroups",
      (abortSignal) =>
        ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [{ Name: "tag:karpenter.sh/discovery", Values: [env.cluster.name] }],
          }),
          { abortSignal },
        ),
      { signal },
    ),
    instanceIds.length === 0
      ? Promise.resolve({ Reservations: [] })
      : awsCall(
          "ec2:DescribeInstances",
          (abortSignal) =>
            ec2.send(new DescribeInstancesCommand({ InstanceIds: instanceIds }), { abortSignal }),
          { signal },
        ),
  ]);
  return {
    nodeSecurityGroups: groups.SecurityGroups ?? [],
    instances: (reservations.Reservations ?? []).flatMap((r) => r.Instances ?? []),
  };
}
