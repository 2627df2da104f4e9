import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { karpenterControllerStatements } from "../../constructs/karpenter/controller-policy";
import { KarpenterAws, KarpenterAwsProps } from "../../constructs/karpenter/karpenter-aws";
import { policyDocument } from "../../constructs/shared/aws-account";
import { POD_NETWORK_MODES, podNetworkTraits } from "../../constructs/shared/pod-network";
import { SynthJson, onlyResource, resourcesOf, synthConstruct, policyJson } from "../support/synth";

const CLUSTER = "dev-platform";
const CLUSTER_ARN = "arn:aws:eks:ap-northeast-2:111111111111:cluster/dev-platform";
const ISSUER = "https://oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const PROVIDER_ARN =
  "arn:aws:iam::111111111111:oidc-provider/oidc.eks.ap-northeast-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

function props(overrides: Partial<KarpenterAwsProps> = {}): KarpenterAwsProps {
  return {
    clusterName: CLUSTER,
    clusterArn: CLUSTER_ARN,
    accountId: "111111111111",
    region: "ap-northeast-2",
    podNetworkMode: "ipip",
    kmsKeyArn: "arn:aws:kms:ap-northeast-2:111111111111:key/k",
    ...overrides,
  };
}

function synth(overrides: Partial<KarpenterAwsProps> = {}): SynthJson {
  return synthConstruct((scope) => new KarpenterAws(scope, "karpenter", props(overrides)));
}

type Resource = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function role(json: SynthJson, name: string): Resource {
  const found = Object.values(resourcesOf(json, "aws_iam_role")).find((r) => r.name === name);
  if (!found) throw new Error(`no role ${name}`);
  return found;
}

function statements(policy: unknown): Statement[] {
  return policyJson<{ Statement: Statement[] }>(policy).Statement;
}

function controllerStatements(json: SynthJson): Map<string, Statement> {
  const policy = Object.values(resourcesOf(json, "aws_iam_role_policy")).find(
    (p) => p.name === "karpenter-controller",
  )!;
  return new Map(statements(policy.policy).map((s) => [s.Sid!, s]));
}

const OWNED_REQUEST = {
  "aws:RequestTag/kubernetes.io/cluster/dev-platform": "owned",
  "aws:RequestTag/eks:eks-cluster-name": CLUSTER,
};
const NODEPOOL_REQUEST = { "aws:RequestTag/karpenter.sh/nodepool": "*" };
const OWNED_RESOURCE = {
  StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/dev-platform": "owned" },
  StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
};

describe("Karpenter controller policy", () => {
  const json = synth();
  const sids = controllerStatements(json);
  const sid = (name: string): Statement => {
    const s = sids.get(name);
    if (!s) throw new Error(`missing statement ${name}`);
    return s;
  };

  test("has every upstream v1 statement", () => {
    expect([...sids.keys()].sort()).toEqual(
      [
        "AllowScopedEC2InstanceAccessActions",
        "AllowScopedEC2LaunchTemplateAccessActions",
        "AllowScopedEC2InstanceActionsWithTags",
        "AllowScopedResourceCreationTagging",
        "AllowScopedResourceTagging",
        "AllowScopedDeletion",
        "AllowPassingInstanceRole",
        "AllowScopedInstanceProfileCreationActions",
        "AllowScopedInstanceProfileTagActions",
        "AllowScopedInstanceProfileActions",
        "AllowAPIServerEndpointDiscovery",
        "AllowInterruptionQueueActions",
        "AllowRegionalReadActions",
        "AllowSSMReadActions",
        "AllowPricingReadActions",
        "AllowUnscopedInstanceProfileListAction",
        "AllowInstanceProfileReadActions",
      ].sort(),
    );
    for (const s of sids.values()) expect(s.Effect).toBe("Allow");
  });

  test("launches need the cluster, cluster-name and node pool request tags", () => {
    const launch = sid("AllowScopedEC2InstanceActionsWithTags");
    expect(launch.Action).toEqual([
      "ec2:RunInstances",
      "ec2:CreateFleet",
      "ec2:CreateLaunchTemplate",
    ]);
    expect(launch.Condition).toEqual({ StringEquals: OWNED_REQUEST, StringLike: NODEPOOL_REQUEST });
    expect(launch.Resource).toContain("arn:aws:ec2:ap-northeast-2:*:instance/*");
  });

  test("tagging on creation only for Karpenter's create actions", () => {
    expect(sid("AllowScopedResourceCreationTagging").Condition).toEqual({
      StringEquals: {
        ...OWNED_REQUEST,
        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
      },
      StringLike: NODEPOOL_REQUEST,
    });
  });

  test("retagging limited to owned instances and three tag keys", () => {
    expect(sid("AllowScopedResourceTagging").Condition).toEqual({
      ...OWNED_RESOURCE,
      StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": CLUSTER },
      "ForAllValues:StringEquals": {
        "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
      },
    });
  });

  test("launch templates used and deleted only when owned", () => {
    expect(sid("AllowScopedEC2LaunchTemplateAccessActions").Condition).toEqual(OWNED_RESOURCE);
    const deletion = sid("AllowScopedDeletion");
    expect(deletion.Condition).toEqual(OWNED_RESOURCE);
    expect(deletion.Action).toEqual(["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]);
  });

  test("instance access covers images, snapshots, networks and reservations in the region", () => {
    expect(sid("AllowScopedEC2InstanceAccessActions").Resource).toEqual([
      "arn:aws:ec2:ap-northeast-2::image/*",
      "arn:aws:ec2:ap-northeast-2::snapshot/*",
      "arn:aws:ec2:ap-northeast-2:*:security-group/*",
      "arn:aws:ec2:ap-northeast-2:*:subnet/*",
      "arn:aws:ec2:ap-northeast-2:*:capacity-reservation/*",
      "arn:aws:ec2:ap-northeast-2:*:placement-group/*",
    ]);
  });

  test("PassRole only for the node role and only to EC2", () => {
    const pass = sid("AllowPassingInstanceRole");
    expect(pass.Action).toBe("iam:PassRole");
    expect(pass.Resource).toMatch(/^\$\{aws_iam_role\.karpenter_node-role_.*\.arn\}$/);
    expect(pass.Condition).toEqual({
      StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] },
    });
  });

  test("instance profiles scoped by cluster, region and node class tags", () => {
    const profiles = "arn:aws:iam::111111111111:instance-profile/*";
    const create = sid("AllowScopedInstanceProfileCreationActions");
    expect(create.Resource).toBe(profiles);
    expect(create.Condition).toEqual({
      StringEquals: {
        ...OWNED_REQUEST,
        "aws:RequestTag/topology.kubernetes.io/region": "ap-northeast-2",
      },
      StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
    });
    expect(sid("AllowScopedInstanceProfileTagActions").Condition?.StringEquals).toMatchObject({
      "aws:ResourceTag/kubernetes.io/cluster/dev-platform": "owned",
      "aws:ResourceTag/topology.kubernetes.io/region": "ap-northeast-2",
      "aws:RequestTag/topology.kubernetes.io/region": "ap-northeast-2",
    });
    const manage = sid("AllowScopedInstanceProfileActions");
    expect(manage.Action).toEqual([
      "iam:AddRoleToInstanceProfile",
      "iam:RemoveRoleFromInstanceProfile",
      "iam:DeleteInstanceProfile",
    ]);
    expect(manage.Condition).toEqual({
      StringEquals: {
        "aws:ResourceTag/kubernetes.io/cluster/dev-platform": "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": "ap-northeast-2",
      },
      StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
    });
    expect(sid("AllowInstanceProfileReadActions")).toMatchObject({
      Action: "iam:GetInstanceProfile",
      Resource: profiles,
    });
    expect(sid("AllowUnscopedInstanceProfileListAction")).toMatchObject({
      Action: "iam:ListInstanceProfiles",
      Resource: "*",
    });
  });

  test("reads limited to the region, SSM public parameters and pricing", () => {
    const reads = sid("AllowRegionalReadActions");
    expect(reads.Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "ap-northeast-2" } });
    expect(reads.Action).toEqual(
      expect.arrayContaining([
        "ec2:DescribeCapacityReservations",
        "ec2:DescribeInstanceStatus",
        "ec2:DescribePlacementGroups",
        "ec2:DescribeInstanceTypes",
        "ec2:DescribeSubnets",
      ]),
    );
    expect(sid("AllowSSMReadActions")).toMatchObject({
      Action: "ssm:GetParameter",
      Resource: "arn:aws:ssm:ap-northeast-2::parameter/aws/service/*",
    });
    expect(sid("AllowPricingReadActions").Action).toBe("pricing:GetProducts");
  });

  test("queue and cluster access point at this cluster's resources", () => {
    expect(sid("AllowInterruptionQueueActions")).toMatchObject({
      Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      Resource: expect.stringMatching(/^\$\{aws_sqs_queue\..*\.arn\}$/),
    });
    expect(sid("AllowAPIServerEndpointDiscovery")).toMatchObject({
      Action: "eks:DescribeCluster",
      Resource: CLUSTER_ARN,
    });
  });

  test("fits the inline policy limit with the longest names", () => {
    const longest = policyDocument(
      karpenterControllerStatements({
        partition: "aws-us-gov",
        region: "ap-southeast-5",
        accountId: "111111111111",
        clusterName: "c".repeat(38),
        clusterArn: `arn:aws-us-gov:eks:ap-southeast-5:111111111111:cluster/${"c".repeat(38)}`,
        nodeRoleArn: `arn:aws-us-gov:iam::111111111111:role/${"c".repeat(38)}-karpenter-node`,
        queueArn: `arn:aws-us-gov:sqs:ap-southeast-5:111111111111:${"c".repeat(38)}-karpenter`,
      }),
    );
    expect(longest.length).toBeLessThan(10240);
  });
});

describe("Karpenter identity", () => {
  test("Pod Identity by default: pods.eks.amazonaws.com trust and an association", () => {
    const json = synth();
    const trust = statements(role(json, "dev-platform-karpenter-controller").assume_role_policy);
    expect(trust).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
    ]);
    expect(onlyResource(json, "aws_eks_pod_identity_association")).toMatchObject({
      cluster_name: CLUSTER,
      namespace: "kube-system",
      service_account: "karpenter",
      role_arn: expect.stringMatching(/aws_iam_role\.karpenter_controller-role_.*\.arn/),
    });
  });

  /** The IRSA trust statement: the role takes the policy document data source's JSON. */
  function irsaTrust(json: SynthJson): Record<string, unknown> {
    const documents = json.data?.aws_iam_policy_document ?? {};
    const [id, document] = Object.entries(documents).find(([key]) =>
      key.startsWith("karpenter_controller-trust"),
    )!;
    expect(role(json, "dev-platform-karpenter-controller").assume_role_policy).toBe(
      `\${data.aws_iam_policy_document.${id}.json}`,
    );
    const statements = document.statement as Record<string, unknown>[];
    expect(statements).toHaveLength(1);
    return statements[0];
  }

  test("IRSA trusts the OIDC provider for the service account only", () => {
    const json = synth({
      identity: "irsa",
      oidc: { providerArn: PROVIDER_ARN, issuer: ISSUER },
      namespace: "karpenter",
    });
    expect(resourcesOf(json, "aws_eks_pod_identity_association")).toEqual({});
    const host = ISSUER.replace("https://", "");
    expect(irsaTrust(json)).toEqual({
      effect: "Allow",
      principals: [{ type: "Federated", identifiers: [PROVIDER_ARN] }],
      actions: ["sts:AssumeRoleWithWebIdentity"],
      condition: [
        {
          test: "StringEquals",
          variable: `${host}:sub`,
          values: ["system:serviceaccount:karpenter:karpenter"],
        },
        { test: "StringEquals", variable: `${host}:aud`, values: ["sts.amazonaws.com"] },
      ],
    });
  });

  test("IRSA with the cluster's issuer, known only after apply, renders an expression", () => {
    // What the infra stack passes: attributes of the cluster and of its OIDC provider.
    const json = synthConstruct((scope) => {
      const cluster = new EksCluster(scope, "cluster", {
        name: CLUSTER,
        roleArn: "arn:aws:iam::111111111111:role/cluster",
        vpcConfig: { subnetIds: ["subnet-1", "subnet-2"] },
      });
      const issuer = cluster.identity.get(0).oidc.get(0).issuer;
      const provider = new IamOpenidConnectProvider(scope, "oidc", {
        url: issuer,
        clientIdList: ["sts.amazonaws.com"],
      });
      new KarpenterAws(scope, "karpenter", {
        ...props(),
        identity: "irsa",
        oidc: { providerArn: provider.arn, issuer },
      });
    });
    const trust = irsaTrust(json);
    const host = '${replace(aws_eks_cluster.cluster.identity[0].oidc[0].issuer, "https://", "")}';
    expect(trust.principals).toEqual([
      { type: "Federated", identifiers: ["${aws_iam_openid_connect_provider.oidc.arn}"] },
    ]);
    expect(trust.condition).toEqual([
      {
        test: "StringEquals",
        variable: `${host}:sub`,
        values: ["system:serviceaccount:kube-system:karpenter"],
      },
      { test: "StringEquals", variable: `${host}:aud`, values: ["sts.amazonaws.com"] },
    ]);
    expect(JSON.stringify(json)).not.toContain("undefined");
  });
});

describe("Karpenter node role", () => {
  test.each(POD_NETWORK_MODES)("%s: CNI policy and Felix permissions follow the mode", (mode) => {
    const json = synth({ podNetworkMode: mode });
    const policies = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment")).map((a) =>
      String(a.policy_arn).replace(/^.*\//, ""),
    );
    expect(policies).toEqual(
      expect.arrayContaining([
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonSSMManagedInstanceCore",
      ]),
    );
    expect(policies.includes("AmazonEKS_CNI_Policy")).toBe(mode === "policy-only");
    const felix = Object.values(resourcesOf(json, "aws_iam_role_policy")).filter(
      (p) => p.name === "calico-felix",
    );
    expect(felix).toHaveLength(podNetworkTraits(mode).routesNatively ? 1 : 0);
  });

  test("EC2 trust and an EC2_LINUX access entry", () => {
    const json = synth();
    expect(statements(role(json, "dev-platform-karpenter-node").assume_role_policy)).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
    expect(onlyResource(json, "aws_eks_access_entry")).toMatchObject({
      cluster_name: CLUSTER,
      type: "EC2_LINUX",
      principal_arn: expect.stringMatching(/aws_iam_role\.karpenter_node-role_.*\.arn/),
    });
  });
});

describe("Karpenter interruption queue", () => {
  const json = synth();

  test("queue keeps messages 5 minutes with SSE", () => {
    expect(onlyResource(json, "aws_sqs_queue")).toEqual({
      name: "dev-platform-karpenter",
      message_retention_seconds: 300,
      sqs_managed_sse_enabled: true,
    });
  });

  test("policy lets EventBridge and SQS send and denies insecure transport", () => {
    const policy = statements(onlyResource(json, "aws_sqs_queue_policy").policy);
    expect(policy).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
      }),
      expect.objectContaining({
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ]);
  });

  test("five rules with their detail types, each targeting the queue", () => {
    const rules = resourcesOf(json, "aws_cloudwatch_event_rule");
    const patterns = Object.values(rules).map((r) => JSON.parse(r.event_pattern as string));
    expect(patterns).toEqual(
      expect.arrayContaining([
        { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
        { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
        { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
        { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
        {
          source: ["aws.ec2"],
          "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
        },
      ]),
    );
    expect(patterns).toHaveLength(5);
    const targets = Object.values(resourcesOf(json, "aws_cloudwatch_event_target"));
    expect(targets).toHaveLength(5);
    for (const t of targets) {
      expect(t.arn).toMatch(/^\$\{aws_sqs_queue\..*\.arn\}$/);
      expect(Object.keys(rules).some((id) => String(t.rule).includes(id))).toBe(true);
    }
  });
});

describe("KarpenterAws bad input", () => {
  test.each<[string, Partial<KarpenterAwsProps>, RegExp]>([
    [
      "long cluster name",
      { clusterName: "c".repeat(50) },
      /KarpenterAwsProps\.clusterName "c{50}" is too long: derived name ".*" exceeds 64 characters/,
    ],
    [
      "IRSA without OIDC",
      { identity: "irsa" },
      /KarpenterAwsProps\.oidc is required with identity "irsa"/,
    ],
    [
      "OIDC with Pod Identity",
      { oidc: { providerArn: PROVIDER_ARN, issuer: ISSUER } },
      /KarpenterAwsProps\.oidc is only used with identity "irsa"/,
    ],
    [
      "bad namespace",
      { namespace: "Kube_System" },
      /KarpenterAwsProps\.namespace must be a Kubernetes name: .*got "Kube_System"/,
    ],
    ["bad account", { accountId: "12" }, /KarpenterAwsProps\.accountId must be a 12-digit/],
    [
      "bad partition",
      { partition: "azure" },
      /KarpenterAwsProps\.partition must be an AWS partition/,
    ],
  ])("%s", (_name, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
