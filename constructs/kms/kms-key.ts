import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey as KmsKeyResource } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { PolicyStatement, policyDocument } from "../shared/aws-account";
import { parseProps } from "../shared/validation/parse-props";
import { ResolvedKmsKeyProps, kmsKeyPropsSchema } from "./props";

/**
 * The AWS services a key's policy lets use it on their own authority. EKS secrets encryption is
 * not one: the cluster role gets its rights on the key from an IAM policy (EksCluster), which the
 * key policy's account-root statement already lets IAM grant.
 */
export interface KmsKeyUsage {
  /**
   * Lets EC2 use the key for EBS volumes it creates for any principal of the account (principal
   * `*` limited by `kms:CallerAccount` and `kms:ViaService`, AWS's own EBS key policy): nodes
   * launched by Karpenter with the controller's credentials, or by Auto Scaling for managed node
   * groups, whose service-linked role is also allowed by name.
   * @default true
   */
  readonly ebs?: boolean;
  /**
   * Lets CloudWatch Logs of the key's region encrypt log groups of the account.
   * @default true
   */
  readonly logs?: boolean;
}

export interface KmsKeyProps {
  /** Alias without the `alias/` prefix, such as `dev/eks`. */
  readonly alias: string;
  readonly description: string;
  /** Account that owns the key; its root principal is granted `kms:*` so IAM policies work. */
  readonly accountId: string;
  readonly region: string;
  /** @default "aws" (or "aws-us-gov") */
  readonly partition?: string;
  /**
   * IAM role or user ARNs allowed to administer (not use) the key. Name them explicitly: the
   * identity running apply is never added, so the policy does not drift between operators.
   */
  readonly administrators: readonly string[];
  /**
   * Days between automatic rotations (AWS accepts 90 to 2560).
   * @default 365
   */
  readonly rotationPeriodDays?: number;
  /**
   * Days a scheduled deletion waits before the key is gone (AWS accepts 7 to 30).
   * @default 30
   */
  readonly deletionWindowDays?: number;
  /**
   * Sets Terraform `prevent_destroy` on the key, so a plan that would destroy it fails.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Services the key policy lets use the key.
   * @default every service enabled (each field left out is true)
   */
  readonly usage?: KmsKeyUsage;
}

/** Actions of key administrators: manage the key, never encrypt or decrypt with it. */
const ADMIN_ACTIONS = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
];

/** What services need to encrypt data keys for their resources. */
const USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/** The key policy: account root, administrators, then one grant per enabled service. */
function keyPolicyStatements(p: ResolvedKmsKeyProps): PolicyStatement[] {
  const accountRoot = `arn:${p.partition}:iam::${p.accountId}:root`;
  const statements: PolicyStatement[] = [
    {
      // Without this, IAM policies in the account cannot grant use of the key.
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: accountRoot },
      Action: "kms:*",
      Resource: "*",
    },
    {
      Sid: "KeyAdministrators",
      Effect: "Allow",
      Principal: { AWS: [...p.administrators] },
      Action: ADMIN_ACTIONS,
      Resource: "*",
    },
  ];

  if (p.usage.logs) {
    statements.push({
      Sid: "CloudWatchLogsEncryption",
      Effect: "Allow",
      Principal: { Service: `logs.${p.region}.amazonaws.com` },
      Action: [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ],
      Resource: "*",
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn": `arn:${p.partition}:logs:${p.region}:${p.accountId}:log-group:*`,
        },
      },
    });
  }

  if (p.usage.ebs) {
    // EC2 calls KMS with the credentials of whoever launches the instance, so an IAM policy would
    // have to carry these actions for every such principal. Like the AWS managed aws/ebs key (and
    // Karpenter's troubleshooting guide), allow any principal of the account, but only through EC2
    // of this region.
    const viaEc2 = {
      StringEquals: {
        "kms:CallerAccount": p.accountId,
        "kms:ViaService": `ec2.${p.region}.amazonaws.com`,
      },
    };
    // Managed node groups launch through Auto Scaling, whose service-linked role encrypts the
    // volumes; AWS's Auto Scaling guide names it in the key policy.
    const autoscaling = `arn:${p.partition}:iam::${p.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    // Matched by condition rather than named as the principal: KMS rejects a policy naming a role
    // that does not exist yet, and this service-linked role appears with the first Auto Scaling
    // group (the node group), after the key.
    const asAutoscaling = {
      StringEquals: { "kms:CallerAccount": p.accountId },
      ArnEquals: { "aws:PrincipalArn": autoscaling },
    };
    statements.push(
      ...volumeEncryptionStatements("AutoScaling", asAutoscaling),
      ...volumeEncryptionStatements("AccountViaEc2", viaEc2),
    );
  }
  return statements;
}

/**
 * What EC2 needs to encrypt volumes for a principal matched by `condition`: use the key, and
 * create grants only for AWS resources (EC2 attaches the volume through a grant to itself).
 */
function volumeEncryptionStatements(
  who: string,
  condition: NonNullable<PolicyStatement["Condition"]>,
): PolicyStatement[] {
  return [
    {
      Sid: `${who}EbsEncryption`,
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: USE_ACTIONS,
      Resource: "*",
      Condition: condition,
    },
    {
      Sid: `${who}EbsGrants`,
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { ...condition, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

/**
 * A customer-managed KMS key with rotation on, an explicit key policy and an alias.
 */
export class KmsKey extends Construct {
  public readonly key: KmsKeyResource;
  public readonly keyArn: string;
  public readonly keyId: string;
  /** `alias/<alias>`. */
  public readonly aliasName: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    const resolved = parseProps(kmsKeyPropsSchema, props, "KmsKeyProps", this);

    this.key = new KmsKeyResource(this, "key", {
      description: resolved.description,
      enableKeyRotation: true,
      rotationPeriodInDays: resolved.rotationPeriodDays,
      deletionWindowInDays: resolved.deletionWindowDays,
      policy: policyDocument(keyPolicyStatements(resolved)),
      lifecycle: resolved.protect ? { preventDestroy: true } : undefined,
    });
    this.aliasName = `alias/${resolved.alias}`;
    new KmsAlias(this, "alias", { name: this.aliasName, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }
}
