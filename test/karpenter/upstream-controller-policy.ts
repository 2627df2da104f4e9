/**
 * The Karpenter controller's IAM statements as upstream publishes them for v1.14, transcribed
 * statement for statement (Sid, Effect, Resource, Action, Condition as written) from
 * aws/karpenter-provider-aws `website/content/en/v1.14/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml` (commit e0834c2bd02e): the managed policies
 * NodeLifecyclePolicy, IAMIntegrationPolicy, EKSIntegrationPolicy, InterruptionPolicy,
 * ZonalShiftPolicy and ResourceDiscoveryPolicy. CloudFormation's `${...}` substitutions become
 * parameters. Test data only: compare the construct's policy with it, never build from it.
 */
export interface UpstreamParameters {
  /** `${AWS::Partition}` */
  readonly partition: string;
  /** `${AWS::Region}` */
  readonly region: string;
  /** `${AWS::AccountId}` */
  readonly accountId: string;
  /** `${ClusterName}` */
  readonly clusterName: string;
  /** `${KarpenterNodeRole.Arn}` */
  readonly nodeRoleArn: string;
  /** `${KarpenterInterruptionQueue.Arn}` */
  readonly queueArn: string;
}

export interface UpstreamStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Resource: string | string[];
  readonly Action: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Upstream's ZonalShiftPolicy statement, which the construct grants only with zonal shift on. */
export const ZONAL_SHIFT_SID = "AllowZonalShiftStatusReadOnly";

export function upstreamControllerStatements(p: UpstreamParameters): UpstreamStatement[] {
  const { partition, region, accountId, clusterName } = p;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:*:${resource}`;
  const launched = [
    ec2("fleet/*"),
    ec2("instance/*"),
    ec2("volume/*"),
    ec2("network-interface/*"),
    ec2("launch-template/*"),
    ec2("spot-instances-request/*"),
  ];
  const profiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
  const cluster = `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
  const clusterTag = `kubernetes.io/cluster/${clusterName}`;
  return [
    // NodeLifecyclePolicy
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Resource: [
        `arn:${partition}:ec2:${region}::image/*`,
        `arn:${partition}:ec2:${region}::snapshot/*`,
        ec2("security-group/*"),
        ec2("subnet/*"),
        ec2("capacity-reservation/*"),
        ec2("placement-group/*"),
      ],
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Resource: ec2("launch-template/*"),
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: launched,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": clusterName,
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: launched,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": clusterName,
          "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
        },
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Resource: ec2("instance/*"),
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": clusterName },
        "ForAllValues:StringEquals": {
          "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
        },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Condition: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
      },
    },
    // IAMIntegrationPolicy
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: p.nodeRoleArn,
      Action: "iam:PassRole",
      Condition: {
        StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: profiles,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": region,
        },
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: profiles,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${clusterTag}`]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": region,
          [`aws:RequestTag/${clusterTag}`]: "owned",
          "aws:RequestTag/eks:eks-cluster-name": clusterName,
          "aws:RequestTag/topology.kubernetes.io/region": region,
        },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: profiles,
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/${clusterTag}`]: "owned",
          "aws:ResourceTag/topology.kubernetes.io/region": region,
        },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    // EKSIntegrationPolicy
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: cluster,
      Action: "eks:DescribeCluster",
    },
    // InterruptionPolicy
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: p.queueArn,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    // ZonalShiftPolicy
    {
      Sid: ZONAL_SHIFT_SID,
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": cluster } },
    },
    // ResourceDiscoveryPolicy
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: [
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeImages",
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeLaunchTemplates",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Condition: { StringEquals: { "aws:RequestedRegion": region } },
    },
    {
      Sid: "AllowSSMReadActions",
      Effect: "Allow",
      Resource: `arn:${partition}:ssm:${region}::parameter/aws/service/*`,
      Action: "ssm:GetParameter",
    },
    {
      Sid: "AllowPricingReadActions",
      Effect: "Allow",
      Resource: "*",
      Action: "pricing:GetProducts",
    },
    {
      Sid: "AllowUnscopedInstanceProfileListAction",
      Effect: "Allow",
      Resource: "*",
      Action: "iam:ListInstanceProfiles",
    },
    {
      Sid: "AllowInstanceProfileReadActions",
      Effect: "Allow",
      Resource: profiles,
      Action: "iam:GetInstanceProfile",
    },
  ];
}
