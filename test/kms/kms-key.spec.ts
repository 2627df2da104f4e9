import { KmsKey, KmsKeyProps } from "../../constructs/kms";
import { onlyResource, synthConstruct, policyJson } from "../support/synth";

const ACCOUNT = "111111111111";
const REGION = "ap-northeast-2";
const ADMIN = "arn:aws:iam::111111111111:role/platform-admin";
/** What EC2 does with an EBS key for the principal launching an instance. */
const EBS_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

const baseProps: KmsKeyProps = {
  alias: "dev/eks",
  description: "dev EKS secrets, EBS volumes and logs",
  accountId: ACCOUNT,
  region: REGION,
  administrators: [ADMIN],
};

interface Statement {
  Sid: string;
  Effect: string;
  Principal: Record<string, string | string[]>;
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string | string[]>>;
}

function synthKey(overrides: Partial<KmsKeyProps> = {}) {
  const json = synthConstruct((scope) => new KmsKey(scope, "key", { ...baseProps, ...overrides }));
  const key = onlyResource<Record<string, unknown>>(json, "aws_kms_key");
  const alias = onlyResource<Record<string, unknown>>(json, "aws_kms_alias");
  const policy = policyJson<{ Version: string; Statement: Statement[] }>(key.policy);
  const bySid = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
  return { key, alias, policy, bySid };
}

describe("KmsKey", () => {
  test("rotation on with defaults, 30-day deletion window, alias pointing at the key", () => {
    const { key, alias } = synthKey();
    expect(key).toMatchObject({
      description: baseProps.description,
      enable_key_rotation: true,
      rotation_period_in_days: 365,
      deletion_window_in_days: 30,
    });
    expect(key.lifecycle).toBeUndefined();
    expect(alias.name).toBe("alias/dev/eks");
    expect(alias.target_key_id).toMatch(/^\$\{aws_kms_key\.[\w-]+\.key_id\}$/);
  });

  test("rotation period, deletion window and protect are passed through", () => {
    const { key } = synthKey({ rotationPeriodDays: 90, deletionWindowDays: 7, protect: true });
    expect(key.rotation_period_in_days).toBe(90);
    expect(key.deletion_window_in_days).toBe(7);
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
  });

  test("exposes ARN, ID and alias name", () => {
    let construct: KmsKey | undefined;
    synthConstruct((scope) => {
      construct = new KmsKey(scope, "key", baseProps);
    });
    expect(construct?.aliasName).toBe("alias/dev/eks");
    expect(construct?.keyArn).toContain("TfToken");
    expect(construct?.keyId).toContain("TfToken");
  });

  test("policy: account root and named administrators, never a caller-identity lookup", () => {
    const { policy, bySid } = synthKey({
      administrators: [ADMIN, "arn:aws:iam::111111111111:user/alice"],
    });
    expect(policy.Version).toBe("2012-10-17");
    expect(bySid.EnableIamPolicies).toEqual({
      Sid: "EnableIamPolicies",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: "kms:*",
      Resource: "*",
    });
    const admin = bySid.KeyAdministrators;
    expect(admin.Principal).toEqual({ AWS: [ADMIN, "arn:aws:iam::111111111111:user/alice"] });
    expect(admin.Action).toEqual(
      expect.arrayContaining([
        "kms:Create*",
        "kms:Delete*",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
        "kms:RotateKeyOnDemand",
        "kms:TagResource",
      ]),
    );
    // Administrators manage the key but cannot use it.
    expect(admin.Action).not.toContain("kms:Decrypt");
    expect(admin.Action).not.toContain("kms:*");
    expect(JSON.stringify(policy)).not.toContain("caller_identity");
  });

  test("policy: CloudWatch Logs of the region, limited to log groups of the account", () => {
    const { bySid } = synthKey();
    expect(bySid.CloudWatchLogsEncryption).toMatchObject({
      Principal: { Service: "logs.ap-northeast-2.amazonaws.com" },
      Action: expect.arrayContaining(["kms:Encrypt*", "kms:Decrypt*", "kms:GenerateDataKey*"]),
      Condition: {
        ArnLike: {
          "kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:ap-northeast-2:111111111111:log-group:*",
        },
      },
    });
  });

  test("policy: Auto Scaling service-linked role uses the key and grants only for AWS resources", () => {
    const { bySid } = synthKey();
    const role =
      "arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
    // Matched by condition, so the policy is valid before the service-linked role exists.
    const asRole = {
      StringEquals: { "kms:CallerAccount": "111111111111" },
      ArnEquals: { "aws:PrincipalArn": role },
    };
    expect(bySid.AutoScalingEbsEncryption.Principal).toEqual({ AWS: "*" });
    expect(bySid.AutoScalingEbsEncryption.Action).toEqual(EBS_USE_ACTIONS);
    expect(bySid.AutoScalingEbsEncryption.Condition).toEqual(asRole);
    expect(bySid.AutoScalingEbsGrants).toMatchObject({
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Condition: { ...asRole, Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  test("policy: any principal of the account, but only through EC2 of the region (AWS's EBS key policy)", () => {
    const { bySid } = synthKey();
    // Karpenter's nodes are launched with the controller's credentials: a statement naming the
    // account root would only let IAM policies grant the key, and the controller's grants none.
    const viaEc2 = {
      StringEquals: {
        "kms:CallerAccount": ACCOUNT,
        "kms:ViaService": "ec2.ap-northeast-2.amazonaws.com",
      },
    };
    expect(bySid.AccountViaEc2EbsEncryption).toEqual({
      Sid: "AccountViaEc2EbsEncryption",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: EBS_USE_ACTIONS,
      Resource: "*",
      Condition: viaEc2,
    });
    expect(bySid.AccountViaEc2EbsGrants).toEqual({
      Sid: "AccountViaEc2EbsGrants",
      Effect: "Allow",
      Principal: { AWS: "*" },
      Action: "kms:CreateGrant",
      Resource: "*",
      Condition: { ...viaEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  test("usage selects statements; none names the account root for a service", () => {
    const logsOnly = synthKey({ usage: { ebs: false } });
    expect(Object.keys(logsOnly.bySid)).toEqual([
      "EnableIamPolicies",
      "KeyAdministrators",
      "CloudWatchLogsEncryption",
    ]);
    const ebsOnly = synthKey({ usage: { logs: false } });
    expect(Object.keys(ebsOnly.bySid)).toEqual([
      "EnableIamPolicies",
      "KeyAdministrators",
      "AutoScalingEbsEncryption",
      "AutoScalingEbsGrants",
      "AccountViaEc2EbsEncryption",
      "AccountViaEc2EbsGrants",
    ]);
    const iamOnly = synthKey({ usage: { ebs: false, logs: false } });
    expect(Object.keys(iamOnly.bySid)).toEqual(["EnableIamPolicies", "KeyAdministrators"]);
    const rootStatements = ebsOnly.policy.Statement.filter(
      (s) =>
        JSON.stringify(s.Principal) === JSON.stringify({ AWS: "arn:aws:iam::111111111111:root" }),
    );
    expect(rootStatements.map((s) => s.Sid)).toEqual(["EnableIamPolicies"]);
  });

  test("partition flows into every ARN", () => {
    const { policy } = synthKey({
      partition: "aws-us-gov",
      region: "us-gov-west-1",
      administrators: ["arn:aws-us-gov:iam::111111111111:role/platform-admin"],
    });
    const text = JSON.stringify(policy);
    expect(text).toContain("arn:aws-us-gov:iam::111111111111:root");
    expect(text).toContain("arn:aws-us-gov:logs:us-gov-west-1:111111111111:log-group:*");
    expect(text).not.toContain("arn:aws:");
  });

  describe("rejects bad input", () => {
    test.each<[string, Partial<KmsKeyProps>, string | RegExp]>([
      [
        "alias with prefix",
        { alias: "alias/dev/eks" },
        'must not start with "alias/"; pass "dev/eks"',
      ],
      [
        "alias with spaces",
        { alias: "dev eks" },
        'KmsKeyProps.alias: "dev eks" must be 1 to 250 letters',
      ],
      ["empty alias", { alias: "" }, "KmsKeyProps.alias"],
      ["reserved alias", { alias: "aws/ebs" }, 'must not start with "aws/"'],
      [
        "no administrators",
        { administrators: [] },
        "KmsKeyProps.administrators: must name at least one",
      ],
      [
        "administrator not an ARN",
        { administrators: ["platform-admin"] },
        'KmsKeyProps.administrators[0]: must be an IAM role or user ARN in the "aws" or "aws-us-gov" partition',
      ],
      [
        "rotation too short",
        { rotationPeriodDays: 30 },
        "KmsKeyProps.rotationPeriodDays: must be a whole number of days from 90 to 2560; got 30",
      ],
      ["rotation too long", { rotationPeriodDays: 3000 }, "from 90 to 2560; got 3000"],
      [
        "deletion window too short",
        { deletionWindowDays: 5 },
        "KmsKeyProps.deletionWindowDays: must be a whole number of days from 7 to 30; got 5",
      ],
      ["deletion window too long", { deletionWindowDays: 31 }, "got 31"],
      [
        "account ID",
        { accountId: "1234" },
        'KmsKeyProps.accountId: must be a 12-digit AWS account ID; got "1234"',
      ],
      ["region", { region: "Seoul" }, "KmsKeyProps.region: must be an AWS region"],
      ["partition", { partition: "aws-cn" }, 'KmsKeyProps.partition: "aws-cn" is not supported'],
    ])("%s", (_name, overrides, message) => {
      expect(() => synthKey(overrides)).toThrow(message);
    });
  });
});
