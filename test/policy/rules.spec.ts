import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketAcl } from "@cdktf/provider-aws/lib/s3-bucket-acl";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
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
import { S3Backend, TerraformVariable, Token } from "cdktf";
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

/** A policy document data source; policies reference its `json`. */
function document(scope: Construct, id: string, statement: Record<string, unknown>[]): string {
  return new DataAwsIamPolicyDocument(scope, id, { statement }).json;
}

const ACCOUNT_ROOT = { AWS: "arn:aws:iam::111111111111:root" };
const RULE_ARN = "arn:aws:events:ap-northeast-2:111111111111:rule/interruptions";

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
    {
      name: "log types known only at apply, in prod",
      tier: "prod",
      build: (s) =>
        cluster(s, {
          enabledClusterLogTypes: new TerraformVariable(s, "log_types", { type: "list(string)" })
            .listValue,
        }),
      expect: [
        {
          level: "error",
          path: "test/cluster",
          detail: /cannot be read at synth: prod must show api, audit, authenticator/,
        },
      ],
    },
    {
      name: "one log type known only at apply, in prod",
      tier: "prod",
      build: (s) =>
        cluster(s, {
          enabledClusterLogTypes: [
            "api",
            "audit",
            new TerraformVariable(s, "third", { type: "string" }).stringValue,
          ],
        }),
      expect: [{ level: "error", path: "test/cluster", detail: /lacks authenticator/ }],
    },
    {
      name: "log types known only at apply, in dev",
      tier: "dev",
      build: (s) =>
        cluster(s, {
          enabledClusterLogTypes: Token.asList(
            new TerraformVariable(s, "log_types", { type: "list(string)" }).value,
          ),
        }),
      expect: [],
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
    {
      name: "instance requiring tokens",
      build: (s) =>
        new Instance(s, "vm", {
          ami: "ami-1",
          instanceType: "t3.micro",
          metadataOptions: { httpTokens: "required" },
        }),
      expect: [],
    },
    {
      name: "instance with the metadata endpoint off",
      build: (s) =>
        new Instance(s, "vm", {
          ami: "ami-1",
          instanceType: "t3.micro",
          metadataOptions: { httpEndpoint: "disabled" },
        }),
      expect: [],
    },
    {
      name: "instance without metadata options",
      build: (s) => new Instance(s, "vm", { ami: "ami-1", instanceType: "t3.micro" }),
      expect: [{ level: "error", path: "test/vm", detail: /http_tokens is not set/ }],
    },
    {
      name: "instance with optional tokens",
      build: (s) =>
        new Instance(s, "vm", {
          ami: "ami-1",
          instanceType: "t3.micro",
          metadataOptions: { httpTokens: "optional" },
        }),
      expect: [{ level: "error", path: "test/vm", detail: /http_tokens is "optional"/ }],
    },
    {
      name: "instance from a launch template of the stack, which is checked itself",
      build: (s) =>
        new Instance(s, "vm", {
          instanceType: "t3.micro",
          launchTemplate: { id: launchTemplate(s).id },
        }),
      expect: [],
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
    {
      name: "admin statement through a policy document data source",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: document(s, "doc", [{ sid: "Admin", actions: ["*"], resources: ["*"] }]),
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
      name: "AdministratorAccess attached to a role",
      build: (s) =>
        new IamRolePolicyAttachment(s, "attach", {
          role: "r",
          policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      expect: [
        {
          level: "error",
          path: "test/attach",
          detail:
            /AWS managed policy AdministratorAccess statement 0 allows Action "\*" on Resource "\*"/,
        },
      ],
    },
  ],
  "PLT-IAM-2": [
    {
      name: "scoped IAM actions",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({
            Effect: "Allow",
            Action: ["iam:GetRole", "iam:PassRole"],
            Resource: "arn:aws:iam::111111111111:role/nodes",
          }),
        }),
      expect: [],
    },
    {
      name: "iam:* on one role",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({
            Effect: "Allow",
            Action: "iam:*",
            Resource: "arn:aws:iam::111111111111:role/nodes",
          }),
        }),
      expect: [],
    },
    {
      name: "NotAction in a Deny",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({ Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }),
        }),
      expect: [],
    },
    {
      name: "iam:* on every resource in a managed policy",
      build: (s) =>
        new IamPolicy(s, "policy", {
          policy: policy({ Sid: "Iam", Effect: "Allow", Action: ["IAM:*"], Resource: "*" }),
        }),
      expect: [
        {
          level: "error",
          path: "test/policy",
          detail: /policy statement Iam allows every IAM action \(IAM:\*\) on Resource "\*"/,
        },
      ],
    },
    {
      name: "NotAction on every resource in an inline role policy",
      build: (s) =>
        new IamRolePolicy(s, "inline", {
          role: "r",
          policy: policy({ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }),
        }),
      expect: [
        {
          level: "error",
          path: "test/inline",
          detail: /policy statement 0 allows everything but iam:\* \(NotAction\) on Resource "\*"/,
        },
      ],
    },
    {
      name: "iam:* through a policy document data source",
      build: (s) =>
        new IamRolePolicy(s, "inline", {
          role: "r",
          policy: document(s, "doc", [{ sid: "Iam", actions: ["iam:*"], resources: ["*"] }]),
        }),
      expect: [
        { level: "error", path: "test/inline", detail: /statement Iam allows every IAM action/ },
      ],
    },
    {
      name: "NotAction through a document merged into another",
      build: (s) => {
        const source = document(s, "source", [{ notActions: ["s3:*"], resources: ["*"] }]);
        new IamPolicy(s, "policy", {
          policy: new DataAwsIamPolicyDocument(s, "merged", {
            sourcePolicyDocuments: [source],
            statement: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
          }).json,
        });
      },
      expect: [
        {
          level: "error",
          path: "test/policy",
          detail: /allows everything but s3:\* \(NotAction\) on Resource "\*"/,
        },
      ],
    },
    {
      name: "IAMFullAccess attached to a role",
      build: (s) =>
        new IamRolePolicyAttachment(s, "attach", {
          role: "r",
          policyArn: "arn:aws:iam::aws:policy/IAMFullAccess",
        }),
      expect: [
        {
          level: "error",
          path: "test/attach",
          detail: /AWS managed policy IAMFullAccess statement 0 allows every IAM action/,
        },
      ],
    },
    {
      name: "PowerUserAccess in a role's managed_policy_arns",
      build: (s) =>
        new IamRole(s, "role", {
          assumeRolePolicy: "{}",
          managedPolicyArns: ["arn:aws-us-gov:iam::aws:policy/PowerUserAccess"],
        }),
      expect: [
        {
          level: "error",
          path: "test/role",
          detail:
            /AWS managed policy PowerUserAccess statement 0 allows everything but iam:\*, organizations:\*, account:\* \(NotAction\)/,
        },
      ],
    },
  ],
  "PLT-IAM-3": [
    {
      name: "EventBridge limited to its rule",
      build: (s) =>
        new SqsQueuePolicy(s, "queue-policy", {
          queueUrl: "https://sqs/q",
          policy: policy({
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:ap-northeast-2:111111111111:q",
            Condition: { ArnEquals: { "aws:SourceArn": RULE_ARN } },
          }),
        }),
      expect: [],
    },
    {
      name: "any EventBridge rule of any account",
      build: (s) =>
        new SqsQueuePolicy(s, "queue-policy", {
          queueUrl: "https://sqs/q",
          policy: policy({
            Sid: "Events",
            Effect: "Allow",
            Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
            Action: "sqs:SendMessage",
            Resource: "arn:aws:sqs:ap-northeast-2:111111111111:q",
          }),
        }),
      expect: [
        {
          level: "error",
          path: "test/queue-policy",
          detail:
            /policy statement Events lets events\.amazonaws\.com, sqs\.amazonaws\.com act with no aws:SourceArn or aws:SourceAccount condition/,
        },
      ],
    },
    {
      name: "a condition that only looks like one",
      build: (s) =>
        new SnsTopicPolicy(s, "topic-policy", {
          arn: "arn:aws:sns:ap-northeast-2:111111111111:t",
          policy: policy({
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sns:Publish",
            Resource: "arn:aws:sns:ap-northeast-2:111111111111:t",
            Condition: { StringNotEquals: { "aws:SourceAccount": "222222222222" } },
          }),
        }),
      expect: [{ level: "error", path: "test/topic-policy", detail: /s3\.amazonaws\.com act/ }],
    },
    {
      name: "an event bus policy through a document data source",
      build: (s) =>
        new CloudwatchEventBusPolicy(s, "bus-policy", {
          policy: document(s, "doc", [
            {
              actions: ["events:PutEvents"],
              resources: ["*"],
              principals: [{ type: "Service", identifiers: ["sns.amazonaws.com"] }],
            },
          ]),
        }),
      expect: [{ level: "error", path: "test/bus-policy", detail: /sns\.amazonaws\.com act/ }],
    },
    {
      name: "a bucket policy limited to the account",
      build: (s) =>
        new S3BucketPolicy(s, "bucket-policy", {
          bucket: "b",
          policy: policy({
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
          }),
        }),
      expect: [],
    },
    {
      name: "a Lambda permission for a service with no source",
      build: (s) =>
        new LambdaPermission(s, "invoke", {
          action: "lambda:InvokeFunction",
          functionName: "f",
          principal: "events.amazonaws.com",
        }),
      expect: [
        {
          level: "error",
          path: "test/invoke",
          detail: /lets events\.amazonaws\.com invoke with neither source_arn nor source_account/,
        },
      ],
    },
    {
      name: "a Lambda permission for a rule",
      build: (s) =>
        new LambdaPermission(s, "invoke", {
          action: "lambda:InvokeFunction",
          functionName: "f",
          principal: "events.amazonaws.com",
          sourceArn: RULE_ARN,
        }),
      expect: [],
    },
  ],
  "PLT-KMS-2": [
    {
      name: "principal * limited to the account (the EBS key pattern)",
      build: (s) =>
        new KmsKey(s, "key", {
          enableKeyRotation: true,
          policy: policy({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
              StringEquals: {
                "kms:CallerAccount": "111111111111",
                "kms:ViaService": "ec2.ap-northeast-2.amazonaws.com",
              },
            },
          }),
        }),
      expect: [],
    },
    {
      name: "principal * with no condition",
      build: (s) =>
        new KmsKey(s, "key", {
          enableKeyRotation: true,
          policy: policy({
            Sid: "Open",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:*",
            Resource: "*",
          }),
        }),
      expect: [
        {
          level: "error",
          path: "test/key",
          detail:
            /policy statement Open allows principal \* with no condition naming the caller's account/,
        },
      ],
    },
    {
      name: "principal * with a condition that limits nobody",
      build: (s) =>
        new KmsKey(s, "key", {
          enableKeyRotation: true,
          policy: policy({
            Effect: "Allow",
            Principal: { AWS: ["arn:aws:iam::111111111111:root", "*"] },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:ViaService": "ec2.ap-northeast-2.amazonaws.com" } },
          }),
        }),
      expect: [{ level: "error", path: "test/key", detail: /statement 0 allows principal \*/ }],
    },
    {
      name: "a separate key policy through a document data source",
      build: (s) =>
        new KmsKeyPolicy(s, "key-policy", {
          keyId: "k",
          policy: document(s, "doc", [
            {
              actions: ["kms:*"],
              resources: ["*"],
              principals: [{ type: "AWS", identifiers: ["*"] }],
            },
          ]),
        }),
      expect: [{ level: "error", path: "test/key-policy", detail: /allows principal \*/ }],
    },
    {
      name: "the account root",
      build: (s) =>
        new KmsKey(s, "key", {
          enableKeyRotation: true,
          policy: policy({
            Effect: "Allow",
            Principal: ACCOUNT_ROOT,
            Action: "kms:*",
            Resource: "*",
          }),
        }),
      expect: [],
    },
  ],
  "PLT-S3-1": [
    {
      name: "a private ACL",
      build: (s) => new S3BucketAcl(s, "acl", { bucket: "b", acl: "private" }),
      expect: [],
    },
    {
      name: "a public-read ACL",
      build: (s) => new S3BucketAcl(s, "acl", { bucket: "b", acl: "public-read" }),
      expect: [{ level: "error", path: "test/acl", detail: /acl is "public-read"/ }],
    },
    {
      name: "a grant to all users",
      build: (s) =>
        new S3BucketAcl(s, "acl", {
          bucket: "b",
          accessControlPolicy: {
            owner: { id: "owner" },
            grant: [
              {
                permission: "READ",
                grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" },
              },
            ],
          },
        }),
      expect: [{ level: "error", path: "test/acl", detail: /grants READ to AllUsers/ }],
    },
    {
      name: "a bucket with a legacy authenticated-read acl",
      build: (s) => new S3Bucket(s, "bucket", { bucket: "b", acl: "authenticated-read" }),
      expect: [{ level: "error", path: "test/bucket", detail: /acl is "authenticated-read"/ }],
    },
    {
      name: "a bucket policy for everyone",
      build: (s) =>
        new S3BucketPolicy(s, "bucket-policy", {
          bucket: "b",
          policy: document(s, "doc", [
            {
              sid: "Public",
              actions: ["s3:GetObject"],
              resources: ["arn:aws:s3:::b/*"],
              principals: [{ type: "*", identifiers: ["*"] }],
            },
          ]),
        }),
      expect: [
        {
          level: "error",
          path: "test/bucket-policy",
          detail: /policy statement Public allows principal \* with no condition/,
        },
      ],
    },
    {
      name: "a bucket policy for everyone in the organization, and a TLS deny",
      build: (s) =>
        new S3BucketPolicy(s, "bucket-policy", {
          bucket: "b",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: "*",
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::b/*",
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
              },
              {
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: "arn:aws:s3:::b/*",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          }),
        }),
      expect: [],
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
