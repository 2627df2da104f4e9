import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { karpenterControllerStatements } from "../../constructs/karpenter/controller-policy";
import { KarpenterAws, KarpenterAwsProps } from "../../constructs/karpenter/karpenter-aws";
import { policyDocument } from "../../constructs/shared/aws-account";
import { upstreamControllerStatements, ZONAL_SHIFT_SID } from "./upstream-controller-policy";
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

describe("Karpenter controller policy", () => {
  // Literal ARNs where the construct passes references, so the whole policy compares as data.
  const scope = {
    partition: "aws",
    region: "ap-northeast-2",
    accountId: "111111111111",
    clusterName: CLUSTER,
    clusterArn: CLUSTER_ARN,
    nodeRoleArn: "arn:aws:iam::111111111111:role/dev-platform-karpenter-node",
    queueArn: "arn:aws:sqs:ap-northeast-2:111111111111:dev-platform-karpenter",
  };
  const upstream = upstreamControllerStatements(scope);
  const bySid = (statements: readonly { Sid?: string }[]) =>
    new Map(statements.map((s) => [s.Sid!, s]));

  test("equals upstream's v1.14 statements, statement for statement, zonal shift aside", () => {
    const ours = karpenterControllerStatements(scope);
    expect(ours.map((s) => s.Sid)).toEqual(
      upstream.map((s) => s.Sid).filter((sid) => sid !== ZONAL_SHIFT_SID),
    );
    const expected = bySid(upstream);
    for (const statement of ours) expect(statement).toEqual(expected.get(statement.Sid!));
  });

  test("with zonal shift on, upstream's zonal-shift statement is added as it is", () => {
    const ours = bySid(karpenterControllerStatements({ ...scope, enableZonalShift: true }));
    expect([...ours.keys()].sort()).toEqual(upstream.map((s) => s.Sid).sort());
    expect(ours.get(ZONAL_SHIFT_SID)).toEqual(bySid(upstream).get(ZONAL_SHIFT_SID));
  });

  test("the construct's inline policy is that policy, pointing at its own role and queue", () => {
    const sids = controllerStatements(synth());
    expect([...sids.keys()]).toEqual(
      upstream.map((s) => s.Sid).filter((sid) => sid !== ZONAL_SHIFT_SID),
    );
    expect(sids.get("AllowPassingInstanceRole")!.Resource).toMatch(
      /^\$\{aws_iam_role\.karpenter_node-role_.*\.arn\}$/,
    );
    expect(sids.get("AllowInterruptionQueueActions")!.Resource).toMatch(
      /^\$\{aws_sqs_queue\..*\.arn\}$/,
    );
    expect(sids.get("AllowAPIServerEndpointDiscovery")!.Resource).toBe(CLUSTER_ARN);
    const zonal = controllerStatements(synth({ enableZonalShift: true })).get(ZONAL_SHIFT_SID);
    expect(zonal?.Condition).toEqual({
      StringEquals: { "arc-zonal-shift:ResourceIdentifier": CLUSTER_ARN },
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
        enableZonalShift: true,
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
    // Pulling needs no more; the ReadOnly policy is for managed node groups only.
    expect(policies).not.toContain("AmazonEC2ContainerRegistryReadOnly");
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

  test("policy lets only the five rules send and denies insecure transport", () => {
    const policy = statements(onlyResource(json, "aws_sqs_queue_policy").policy);
    const ruleArns = Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule")).map(
      (id) => `\${aws_cloudwatch_event_rule.${id}.arn}`,
    );
    expect(ruleArns).toHaveLength(5);
    expect(policy).toEqual([
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Condition: { ArnEquals: { "aws:SourceArn": expect.arrayContaining(ruleArns) } },
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
      /KarpenterAwsProps\.clusterName: "c{50}" is too long: derived name ".*" exceeds 64 characters/,
    ],
    [
      "IRSA without OIDC",
      { identity: "irsa" },
      /KarpenterAwsProps\.oidc: is required with identity "irsa"/,
    ],
    [
      "OIDC with Pod Identity",
      { oidc: { providerArn: PROVIDER_ARN, issuer: ISSUER } },
      /KarpenterAwsProps\.oidc: is only used with identity "irsa"/,
    ],
    [
      "bad namespace",
      { namespace: "Kube_System" },
      /KarpenterAwsProps\.namespace: must be a Kubernetes name: .*got "Kube_System"/,
    ],
    ["bad account", { accountId: "12" }, /KarpenterAwsProps\.accountId: must be a 12-digit/],
    [
      "bad partition",
      { partition: "azure" },
      /KarpenterAwsProps\.partition: "azure" is not supported \(.*\); use "aws" or "aws-us-gov"/,
    ],
  ])("%s", (_name, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
  });
});
