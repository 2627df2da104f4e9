import { Token } from "cdktf";
import type { PolicyStatement } from "../shared/aws-account";

/** Where the controller policy points: all values may be tokens. */
export interface KarpenterControllerPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  /** The cluster Karpenter may describe (to find the API endpoint). */
  readonly clusterArn: string;
  /** Role of the nodes Karpenter launches (the only role it may pass). */
  readonly nodeRoleArn: string;
  /** Interruption queue ARN. */
  readonly queueArn: string;
  /**
   * Whether the controller follows ARC zonal shifts (chart `settings.enableZonalShift`), which
   * needs upstream's `AllowZonalShiftStatusReadOnly` statement. Not a token: it decides whether
   * the statement exists.
   * @default false
   */
  readonly enableZonalShift?: boolean;
}

/**
 * The Karpenter v1 controller policy, statement for statement as upstream's CloudFormation
 * template scopes it (website/content/en/v1.14/getting-started/getting-started-with-karpenter/
 * cloudformation.yaml, which splits it over several managed policies): EC2 writes only on
 * resources tagged for this cluster and a node pool, instance profiles only with this cluster's
 * and region's tags, PassRole only for the node role and only to EC2.
 *
 * Upstream attaches `AllowZonalShiftStatusReadOnly` (its ZonalShiftPolicy) unconditionally; here
 * it is granted only with `enableZonalShift`, the one setting that makes the controller call
 * `arc-zonal-shift:GetManagedResource`.
 */
export function karpenterControllerStatements(
  scope: KarpenterControllerPolicyScope,
): PolicyStatement[] {
  const { partition, region, accountId, clusterName } = scope;
  if (Token.isUnresolved(clusterName)) {
    // A reference inside a JSON object key cannot be rendered (and breaks `cdktf synth --hcl`).
    throw new Error(
      "KarpenterAwsProps.clusterName must be known at synth (a literal, not a reference to the " +
        "cluster): it forms IAM condition keys. Pass the cluster resource as `cluster` for ordering.",
    );
  }
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:*:${resource}`;
  const instanceProfiles = `arn:${partition}:iam::${accountId}:instance-profile/*`;
  const clusterTag = `kubernetes.io/cluster/${clusterName}`;
  // Resources Karpenter creates when launching: must carry the cluster and node pool tags.
  const launchedResources = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  const ownedResource = {
    StringEquals: { [`aws:ResourceTag/${clusterTag}`]: "owned" },
    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
  };
  const requestTags = {
    [`aws:RequestTag/${clusterTag}`]: "owned",
    "aws:RequestTag/eks:eks-cluster-name": clusterName,
  };
  const ownedProfile = {
    [`aws:ResourceTag/${clusterTag}`]: "owned",
    "aws:ResourceTag/topology.kubernetes.io/region": region,
  };
  const profileRequestTags = {
    ...requestTags,
    "aws:RequestTag/topology.kubernetes.io/region": region,
  };

  const statements: PolicyStatement[] = [
    // Node lifecycle.
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
      Condition: ownedResource,
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Resource: launchedResources,
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Condition: {
        StringEquals: requestTags,
        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
      },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Resource: launchedResources,
      Action: "ec2:CreateTags",
      Condition: {
        StringEquals: {
          ...requestTags,
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
        ...ownedResource,
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
      Condition: ownedResource,
    },
    // IAM integration.
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Resource: scope.nodeRoleArn,
      Action: "iam:PassRole",
      Condition: {
        StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:CreateInstanceProfile"],
      Condition: {
        StringEquals: profileRequestTags,
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: ["iam:TagInstanceProfile"],
      Condition: {
        StringEquals: { ...ownedProfile, ...profileRequestTags },
        StringLike: {
          "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
        },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Resource: instanceProfiles,
      Action: [
        "iam:AddRoleToInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
        "iam:DeleteInstanceProfile",
      ],
      Condition: {
        StringEquals: ownedProfile,
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    // EKS integration.
    {
      Sid: "AllowAPIServerEndpointDiscovery",
      Effect: "Allow",
      Resource: scope.clusterArn,
      Action: "eks:DescribeCluster",
    },
    // Interruption handling.
    {
      Sid: "AllowInterruptionQueueActions",
      Effect: "Allow",
      Resource: scope.queueArn,
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    },
    // Resource discovery.
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
      Resource: instanceProfiles,
      Action: "iam:GetInstanceProfile",
    },
  ];
  if (scope.enableZonalShift) {
    // Zonal shift: which zones ARC currently shifts this cluster's traffic away from.
    statements.push({
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Resource: "*",
      Action: ["arc-zonal-shift:GetManagedResource"],
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": scope.clusterArn } },
    });
  }
  return statements;
}
