import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { EksCluster, EksClusterConfig } from "@cdktf/provider-aws/lib/eks-cluster";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { LaunchTemplate, LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup, SecurityGroupIngress } from "@cdktf/provider-aws/lib/security-group";
import { SecurityGroupRule } from "@cdktf/provider-aws/lib/security-group-rule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Release } from "@cdktf/provider-helm/lib/release";
import { S3Backend } from "cdktf";
import { Construct } from "constructs";
import { LOAD_BALANCER_TAG, PolicyLevel, PolicyTier } from "../../constructs/policy";
import { findingsOf, runPolicy } from "./support";

interface RuleCase {
  readonly name: string;
  readonly build: (scope: Construct) => void;
  readonly tier?: PolicyTier;
  readonly remoteState?: boolean;
  /** Expected findings of the rule: none for a passing configuration. */
  readonly expect: readonly { level: PolicyLevel; path: string; detail: RegExp }[];
}

const key = (scope: Construct) => new KmsKey(scope, "key", { enableKeyRotation: true });

function cluster(scope: Construct, overrides: Partial<EksClusterConfig> = {}): EksCluster {
  return new EksCluster(scope, "cluster", {
    name: "c",
    roleArn: "arn:aws:iam::111111111111:role/c",
    vpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: false },
    encryptionConfig: { resources: ["secrets"], provider: { keyArn: key(scope).arn } },
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    ...overrides,
  });
}

function launchTemplate(scope: Construct, overrides: Partial<LaunchTemplateConfig> = {}) {
  return new LaunchTemplate(scope, "nodes", {
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 50 } }],
    ...overrides,
  });
}

function nodeClassRelease(scope: Construct, spec: Record<string, unknown>) {
  const nodeClass = {
    apiVersion: "karpenter.k8s.aws/v1",
    kind: "EC2NodeClass",
    metadata: { name: "default" },
    spec: {
      role: "node-role",
      amiSelectorTerms: [{ alias: "al2023@latest" }],
      ...spec,
    },
  };
  // A NodePool's nodeClassRef names the kind too, but is no EC2NodeClass to check.
  const nodePool = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: "general" },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
        },
      },
    },
  };
  // As constructs/shared/manifests-release.ts renders them: JSON values with a manifests list.
  new Release(scope, "node-classes", {
    name: "node-classes",
    chart: "./chart",
    values: [JSON.stringify({ manifests: [nodeClass, nodePool] })],
  });
}

const encryptedRoot = [
  { deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: "50Gi", kmsKeyID: "arn:k" } },
];

function securityGroup(
  scope: Construct,
  loadBalancer: boolean,
  ingress: SecurityGroupIngress[] = [],
) {
  return new SecurityGroup(scope, "sg", {
    name: "sg",
    ingress,
    tags: loadBalancer ? { [LOAD_BALANCER_TAG]: "true" } : {},
  });
}

function world(fromPort: number, protocol = "tcp"): SecurityGroupIngress {
  return { fromPort, toPort: fromPort, protocol, cidrBlocks: ["0.0.0.0/0"] };
}

function policy(statement: Record<string, unknown>): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
}

function vpcWith(scope: Construct, extras: { flowLog?: boolean; defaultGroup?: boolean }) {
  const vpc = new Vpc(scope, "vpc", { cidrBlock: "10.0.0.0/16" });
  if (extras.flowLog) {
    new FlowLog(scope, "flow-log", {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestination: "arn:aws:logs:x",
    });
  }
  if (extras.defaultGroup) new DefaultSecurityGroup(scope, "default-sg", { vpcId: vpc.id });
  return vpc;
}

const CASES: Record<string, readonly RuleCase[]> = {
  "PLT-KMS-1": [
    { name: "rotation on", build: key, expect: [] },
    {
      name: "rotation off",
      build: (s) => new KmsKey(s, "key", { enableKeyRotation: false }),
      expect: [{ level: "error", path: "test/key", detail: /enable_key_rotation is false/ }],
    },
    {
      name: "rotation not set",
      build: (s) => new KmsKey(s, "key", {}),
      expect: [{ level: "error", path: "test/key", detail: /enable_key_rotation is not set/ }],
    },
  ],
  "PLT-EKS-1": [
    { name: "secrets encrypted with a key reference", build: (s) => cluster(s), expect: [] },
    {
      name: "no encryption_config",
      build: (s) => cluster(s, { encryptionConfig: undefined }),
      expect: [
        { level: "error", path: "test/cluster", detail: /no encryption_config covers secrets/ },
      ],
    },
  ],
  "PLT-EKS-2": [
    { name: "api, audit, authenticator", build: (s) => cluster(s), expect: [] },
    {
      name: "api only",
      build: (s) => cluster(s, { enabledClusterLogTypes: ["api"] }),
      expect: [{ level: "error", path: "test/cluster", detail: /lacks audit, authenticator/ }],
    },
  ],
  "PLT-EKS-3": [
    { name: "private endpoint only", tier: "prod", build: (s) => cluster(s), expect: [] },
    {
      name: "public endpoint limited to listed CIDRs",
      tier: "prod",
      build: (s) =>
        cluster(s, {
          vpcConfig: {
            subnetIds: ["subnet-1"],
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
          },
        }),
      expect: [],
    },
    {
      name: "public endpoint by default, open to the world, in prod",
      tier: "prod",
      build: (s) => cluster(s, { vpcConfig: { subnetIds: ["subnet-1"] } }),
      expect: [
        {
          level: "error",
          path: "test/cluster",
          detail: /no public_access_cidrs \(open to 0\.0\.0\.0\/0\)/,
        },
      ],
    },
    {
      name: "0.0.0.0/0 listed, in dev",
      tier: "dev",
      build: (s) =>
        cluster(s, {
          vpcConfig: {
            subnetIds: ["subnet-1"],
            endpointPublicAccess: true,
            publicAccessCidrs: ["0.0.0.0/0"],
          },
        }),
      expect: [{ level: "warning", path: "test/cluster", detail: /containing 0\.0\.0\.0\/0/ }],
    },
  ],
  "PLT-LOG-1": [
    {
      name: "retention and key",
      build: (s) =>
        new CloudwatchLogGroup(s, "logs", { retentionInDays: 90, kmsKeyId: key(s).arn }),
      expect: [],
    },
    {
      name: "neither",
      build: (s) => new CloudwatchLogGroup(s, "logs", { name: "x" }),
      expect: [
        { level: "error", path: "test/logs", detail: /retention_in_days is not set/ },
        { level: "error", path: "test/logs", detail: /kms_key_id is not set/ },
      ],
    },
    {
      name: "never expire",
      build: (s) => new CloudwatchLogGroup(s, "logs", { retentionInDays: 0, kmsKeyId: "arn:k" }),
      expect: [{ level: "error", path: "test/logs", detail: /retention_in_days is 0/ }],
    },
  ],
  "PLT-EC2-1": [
    { name: "launch template requires tokens", build: (s) => launchTemplate(s), expect: [] },
    {
      name: "launch template without metadata options",
      build: (s) => launchTemplate(s, { metadataOptions: undefined }),
      expect: [{ level: "error", path: "test/nodes", detail: /http_tokens is not set/ }],
    },
    {
      name: "launch template with optional tokens",
      build: (s) => launchTemplate(s, { metadataOptions: { httpTokens: "optional" } }),
      expect: [{ level: "error", path: "test/nodes", detail: /http_tokens is "optional"/ }],
    },
    {
      name: "EC2NodeClass requires tokens",
      build: (s) =>
        nodeClassRelease(s, {
          metadataOptions: { httpTokens: "required" },
          blockDeviceMappings: encryptedRoot,
        }),
      expect: [],
    },
    {
      name: "EC2NodeClass with optional tokens",
      build: (s) =>
        nodeClassRelease(s, {
          metadataOptions: { httpTokens: "optional" },
          blockDeviceMappings: encryptedRoot,
        }),
      expect: [
        {
          level: "error",
          path: "test/node-classes",
          detail: /EC2NodeClass default: spec\.metadataOptions\.httpTokens is "optional"/,
        },
      ],
    },
  ],
  "PLT-EC2-2": [
    { name: "encrypted launch template root", build: (s) => launchTemplate(s), expect: [] },
    {
      name: "unencrypted launch template root",
      build: (s) =>
        launchTemplate(s, {
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
        }),
      expect: [
        { level: "error", path: "test/nodes", detail: /\/dev\/xvda: ebs\.encrypted is "false"/ },
      ],
    },
    {
      name: "launch template leaving volumes to the AMI",
      build: (s) => launchTemplate(s, { blockDeviceMappings: undefined }),
      expect: [{ level: "error", path: "test/nodes", detail: /no block_device_mappings/ }],
    },
    {
      name: "encrypted volume",
      build: (s) => new EbsVolume(s, "data", { availabilityZone: "a", size: 10, encrypted: true }),
      expect: [],
    },
    {
      name: "unencrypted volume",
      build: (s) => new EbsVolume(s, "data", { availabilityZone: "a", size: 10 }),
      expect: [{ level: "error", path: "test/data", detail: /encrypted is not set/ }],
    },
    {
      name: "EC2NodeClass with encrypted mappings",
      build: (s) =>
        nodeClassRelease(s, {
          metadataOptions: { httpTokens: "required" },
          blockDeviceMappings: encryptedRoot,
        }),
      expect: [],
    },
    {
      name: "EC2NodeClass without mappings",
      build: (s) => nodeClassRelease(s, { metadataOptions: { httpTokens: "required" } }),
      expect: [
        {
          level: "error",
          path: "test/node-classes",
          detail: /EC2NodeClass default: no spec\.blockDeviceMappings/,
        },
      ],
    },
  ],
  "PLT-SG-1": [
    {
      name: "443 from anywhere on a load balancer group",
      build: (s) => securityGroup(s, true, [world(443), world(80)]),
      expect: [],
    },
    {
      name: "443 from anywhere on an untagged group",
      build: (s) => securityGroup(s, false, [world(443)]),
      expect: [
        {
          level: "error",
          path: "test/sg",
          detail: /ingress\[0\] allows tcp 443-443 from 0\.0\.0\.0\/0/,
        },
      ],
    },
    {
      name: "SSH from anywhere on a load balancer group",
      build: (s) => securityGroup(s, true, [world(22)]),
      expect: [{ level: "error", path: "test/sg", detail: /allows tcp 22-22 from 0\.0\.0\.0\/0/ }],
    },
    {
      name: "separate IPv6 rule for 443 on a load balancer group",
      build: (s) =>
        new VpcSecurityGroupIngressRule(s, "https-v6", {
          securityGroupId: securityGroup(s, true).id,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv6: "::/0",
        }),
      expect: [],
    },
    {
      name: "separate IPv6 rule for all traffic",
      build: (s) =>
        new VpcSecurityGroupIngressRule(s, "all-v6", {
          securityGroupId: securityGroup(s, true).id,
          ipProtocol: "-1",
          cidrIpv6: "::/0",
        }),
      expect: [{ level: "error", path: "test/all-v6", detail: /allows all traffic from ::\/0/ }],
    },
    {
      name: "legacy rule for 443 on an untagged group",
      build: (s) =>
        new SecurityGroupRule(s, "https", {
          type: "ingress",
          securityGroupId: securityGroup(s, false).id,
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"],
        }),
      expect: [
        {
          level: "error",
          path: "test/https",
          detail: /rule allows tcp 443-443 from 0\.0\.0\.0\/0/,
        },
      ],
    },
    {
      name: "ingress from a private range",
      build: (s) =>
        securityGroup(s, false, [
          { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] },
        ]),
      expect: [],
    },
  ],
  "PLT-SG-2": [
    {
      name: "VPC with a rule-less default group",
      build: (s) => vpcWith(s, { flowLog: true, defaultGroup: true }),
      expect: [],
    },
    {
      name: "VPC whose default group is not managed",
      build: (s) => vpcWith(s, { flowLog: true }),
      expect: [{ level: "error", path: "test/vpc", detail: /no aws_default_security_group/ }],
    },
    {
      name: "default group with rules",
      build: (s) =>
        new DefaultSecurityGroup(s, "default-sg", {
          vpcId: "vpc-1",
          ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["10.0.0.0/16"] }],
        }),
      expect: [{ level: "error", path: "test/default-sg", detail: /has ingress rules/ }],
    },
  ],
  "PLT-SQS-1": [
    {
      name: "SQS-managed SSE",
      build: (s) => new SqsQueue(s, "queue", { sqsManagedSseEnabled: true }),
      expect: [],
    },
    {
      name: "KMS key",
      build: (s) => new SqsQueue(s, "queue", { kmsMasterKeyId: key(s).arn }),
      expect: [],
    },
    {
      name: "encryption not stated",
      build: (s) => new SqsQueue(s, "queue", {}),
      expect: [
        {
          level: "error",
          path: "test/queue",
          detail: /neither sqs_managed_sse_enabled nor kms_master_key_id/,
        },
      ],
    },
    {
      name: "SSE turned off",
      build: (s) => new SqsQueue(s, "queue", { sqsManagedSseEnabled: false }),
      expect: [{ level: "error", path: "test/queue", detail: /sqs_managed_sse_enabled is false/ }],
    },
  ],
  "PLT-VPC-1": [
    {
      name: "flow log on the VPC",
      build: (s) => vpcWith(s, { flowLog: true, defaultGroup: true }),
      expect: [],
    },
    {
      name: "flow log on another VPC",
      build: (s) => {
        vpcWith(s, { defaultGroup: true });
        new FlowLog(s, "other", {
          vpcId: "vpc-123",
          trafficType: "ALL",
          logDestination: "arn:aws:logs:x",
        });
      },
      expect: [
        {
          level: "error",
          path: "test/vpc",
          detail: /no aws_flow_log in this stack references this VPC/,
        },
      ],
    },
  ],
  "PLT-IAM-1": [
    {
      name: "scoped statement",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({ Effect: "Allow", Action: "sqs:*", Resource: "arn:aws:sqs:q" }),
        }),
      expect: [],
    },
    {
      name: "deny everything",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({ Effect: "Deny", Action: "*", Resource: "*" }),
        }),
      expect: [],
    },
    {
      name: "KMS key policy giving the root kms:* on *",
      build: (s) =>
        new KmsKey(s, "key", {
          enableKeyRotation: true,
          policy: policy({
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::1:root" },
            Action: "kms:*",
            Resource: "*",
          }),
        }),
      expect: [],
    },
    {
      name: "managed policy with an admin statement",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({ Sid: "Admin", Effect: "Allow", Action: ["*"], Resource: "*" }),
        }),
      expect: [
        {
          level: "error",
          path: "test/policy",
          detail: /policy statement Admin allows Action "\*" on Resource "\*"/,
        },
      ],
    },
    {
      name: "inline role policy with tokens inside",
      build: (s) =>
        new IamRolePolicy(s, "inline", {
          role: new IamRole(s, "role", { assumeRolePolicy: "{}" }).name,
          policy: policy({
            Effect: "Allow",
            Action: "*",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalTag/x": key(s).arn } },
          }),
        }),
      expect: [{ level: "error", path: "test/inline", detail: /statement 0 allows Action "\*"/ }],
    },
    {
      name: "role inline_policy block",
      build: (s) =>
        new IamRole(s, "role", {
          assumeRolePolicy: "{}",
          inlinePolicy: [
            { name: "admin", policy: policy({ Effect: "Allow", Action: "*", Resource: ["*"] }) },
          ],
        }),
      expect: [{ level: "error", path: "test/role", detail: /inline_policy admin statement 0/ }],
    },
  ],
  "PLT-STATE-1": [
    {
      name: "encrypted S3 backend",
      remoteState: false,
      build: (s) =>
        new S3Backend(s, { bucket: "b", key: "k", region: "ap-northeast-2", encrypt: true }),
      expect: [],
    },
    {
      name: "unencrypted S3 backend",
      remoteState: false,
      build: (s) => new S3Backend(s, { bucket: "b", key: "k", region: "ap-northeast-2" }),
      expect: [{ level: "error", path: "test/backend", detail: /encrypt is not set/ }],
    },
  ],
  "PLT-STATE-2": [
    { name: "S3 backend", build: () => undefined, expect: [] },
    {
      name: "local backend",
      remoteState: false,
      build: () => undefined,
      expect: [{ level: "warning", path: "test/backend", detail: /local backend/ }],
    },
  ],
};

describe.each(Object.entries(CASES))("%s", (ruleId, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const run = runPolicy(c.build, { tier: c.tier, remoteState: c.remoteState });
    const found = findingsOf(run, ruleId).map((f) => ({
      level: f.level,
      path: f.path,
      detail: f.detail,
    }));
    expect(found).toEqual(c.expect.map((e) => ({ ...e, detail: expect.stringMatching(e.detail) })));
    const errors = c.expect.filter((e) => e.level === "error");
    if (errors.length > 0) {
      expect(run.error?.message).toContain(`${ruleId} ${errors[0].path}:`);
    } else {
      expect(run.error?.findings.filter((f) => f.ruleId === ruleId) ?? []).toEqual([]);
    }
  });
});
