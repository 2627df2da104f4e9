import { Testing } from "cdktf";
import { buildApp } from "../../stacks/app";
import { BootstrapStack, type BootstrapStackProps } from "../../stacks/bootstrap-stack";
import { parseEnvironment } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import { onlyResource, resourcesOf, synthStack, policyJson } from "../support/synth";
import { variant } from "../support/variant";

const props: BootstrapStackProps = {
  environment: "dev",
  owner: "platform-team",
  target: { accountId: "111111111111", region: "ap-northeast-2" },
  state: {
    bucket: "platform-tfstate-111111111111",
    region: "ap-northeast-2",
    dynamodbTable: "terraform-locks",
  },
  kmsAdministrators: ["arn:aws:iam::111111111111:role/platform-admin"],
  offline: true,
};

const synth = (overrides: Partial<BootstrapStackProps> = {}) =>
  synthStack(new BootstrapStack(Testing.app(), "dev-bootstrap", { ...props, ...overrides }));

type Statement = {
  Sid?: string;
  Effect: string;
  Principal: unknown;
  Action: unknown;
  Resource?: unknown;
  Condition?: unknown;
};
const statements = (policy: unknown) => policyJson<{ Statement: Statement[] }>(policy).Statement;

describe("BootstrapStack", () => {
  const json = synth();
  const keyArn = `\${aws_kms_key.${Object.keys(resourcesOf(json, "aws_kms_key"))[0]}.arn}`;

  it("keeps its own state in a local backend until told to move it into the bucket", () => {
    expect(Object.keys(json.terraform?.backend ?? {})).toEqual(["local"]);
    const moved = synth({ stateInBucket: true, offline: false });
    expect(moved.terraform?.backend).toEqual({
      s3: {
        bucket: "platform-tfstate-111111111111",
        region: "ap-northeast-2",
        key: "dev/dev-bootstrap.tfstate",
        encrypt: true,
        use_lockfile: true,
        dynamodb_table: "terraform-locks",
      },
    });
  });

  it("moves its state into the bucket when the environment says state.bootstrapStateInBucket", () => {
    const environment = parseEnvironment(
      variant(findEnvironmentFile("dev").input, { state: { bootstrapStateInBucket: true } }),
    );
    const built = buildApp(Testing.app(), [environment], { offline: false });
    const bootstrap = built.get(environment.name)?.bootstrap;
    expect(bootstrap && synthStack(bootstrap).terraform?.backend).toMatchObject({
      s3: { key: "dev/dev-bootstrap.tfstate", bucket: environment.state?.bucket },
    });
  });

  it("creates the EC2 Spot service-linked role only when asked, protected from destroy", () => {
    expect(resourcesOf(json, "aws_iam_service_linked_role")).toEqual({});
    const withRole = synth({ spotServiceLinkedRole: true });
    expect(onlyResource(withRole, "aws_iam_service_linked_role")).toEqual({
      aws_service_name: "spot.amazonaws.com",
      description: expect.stringContaining("Karpenter"),
      lifecycle: { prevent_destroy: true },
    });
  });

  it("creates the Spot role for an environment by default, and not when it opts out", () => {
    const roles = (input: unknown) => {
      const environment = parseEnvironment(input);
      const bootstrap = buildApp(Testing.app(), [environment], { offline: true }).get(
        environment.name,
      )?.bootstrap;
      return Object.keys(resourcesOf(synthStack(bootstrap!), "aws_iam_service_linked_role"));
    };
    const dev = findEnvironmentFile("dev").input;
    expect(roles(dev)).toHaveLength(1);
    expect(roles(variant(dev, { aws: { createSpotServiceLinkedRole: false } }))).toHaveLength(0);
  });

  it("creates a protected, rotating state key whose policy names the account root and the admins only", () => {
    const key = onlyResource(json, "aws_kms_key");
    expect(key).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    const policy = statements(key.policy);
    expect(policy.map((s) => s.Principal)).toEqual([
      { AWS: "arn:aws:iam::111111111111:root" },
      { AWS: ["arn:aws:iam::111111111111:role/platform-admin"] },
    ]);
    expect(onlyResource(json, "aws_kms_alias")).toMatchObject({ name: "alias/dev/tfstate" });
  });

  it("creates a protected bucket: versioned, SSE-KMS with a bucket key, private, owner-enforced", () => {
    expect(onlyResource(json, "aws_s3_bucket")).toEqual({
      bucket: "platform-tfstate-111111111111",
      lifecycle: { prevent_destroy: true },
    });
    expect(onlyResource(json, "aws_s3_bucket_versioning")).toMatchObject({
      versioning_configuration: { status: "Enabled" },
    });
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: keyArn,
          },
          bucket_key_enabled: true,
        },
      ],
    });
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, "aws_s3_bucket_ownership_controls")).toMatchObject({
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("denies every request that does not use TLS", () => {
    const policy = onlyResource(json, "aws_s3_bucket_policy");
    expect(statements(policy.policy)).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["${aws_s3_bucket.state-bucket.arn}", "${aws_s3_bucket.state-bucket.arn}/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("creates the legacy lock table only when asked", () => {
    expect(onlyResource(json, "aws_dynamodb_table")).toEqual({
      name: "terraform-locks",
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      server_side_encryption: { enabled: true, kms_key_arn: keyArn },
      point_in_time_recovery: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
    const withoutTable = synth({
      state: { bucket: "platform-tfstate-111111111111", region: "ap-northeast-2" },
    });
    expect(resourcesOf(withoutTable, "aws_dynamodb_table")).toEqual({});
  });

  it("rejects a state region other than the provider's", () => {
    expect(() => synth({ state: { bucket: "b-tfstate", region: "eu-west-1" } })).toThrow(
      'BootstrapStackProps.state.region ("eu-west-1") must equal target.region ("ap-northeast-2")',
    );
  });

  it("rejects a key without administrators", () => {
    expect(() => synth({ kmsAdministrators: [] })).toThrow(
      "KmsKeyProps.administrators: must name at least one",
    );
  });
});
