import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamServiceLinkedRole } from "@cdktf/provider-aws/lib/iam-service-linked-role";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { KmsKey } from "../constructs/kms/kms-key";
import { assertPartition, policyDocument } from "../constructs/shared/aws-account";
import { AwsAccountTarget, awsProvider } from "./aws-provider";
import { suppress } from "../constructs/policy";
import { configureBackend, stateKeyAlias, type StateLocation } from "./backend";

export interface BootstrapStackProps {
  /** Environment name: the stack is `<environment>-bootstrap` and the key alias `<environment>/tfstate`. */
  readonly environment: string;
  /** Team that owns the environment; becomes the `owner` tag. */
  readonly owner: string;
  /** Account and region the state bucket lives in. */
  readonly target: AwsAccountTarget;
  /** The bucket (and optional legacy lock table) the environment's stacks keep state in. */
  readonly state: StateLocation;
  /** IAM role or user ARNs that administer the state key (never the identity running apply). */
  readonly kmsAdministrators: readonly string[];
  /** @default "aws" */
  readonly partition?: string;
  /**
   * Keep this stack's own state in the bucket it created (key `<environment>/<id>.tfstate`). Turn
   * it on after the first deploy, synth, then run `terraform init -migrate-state` in the stack's
   * directory to move the local state there.
   * @default false: a local backend, since the bucket does not exist before the first deploy
   */
  readonly stateInBucket?: boolean;
  /**
   * Create the account's EC2 Spot service-linked role (AWSServiceRoleForEC2Spot), which EC2 needs
   * before it launches the first Spot instance and which Karpenter's controller may not create.
   * An account has one: creating it where it exists fails the apply, so exactly one bootstrap
   * stack per account sets this. Protected from destroy, as other environments of the account
   * launch Spot with it.
   * @default false
   */
  readonly spotServiceLinkedRole?: boolean;
  /** Fake credentials and no AWS calls: see stacks/offline.ts. */
  readonly offline: boolean;
}

/**
 * The one-off stack that creates an environment's Terraform state bucket: versioned, encrypted with
 * its own KMS key, closed to the public, TLS only, and protected from `destroy`. It keeps its own
 * state in a local backend at first (the bucket cannot hold the state that creates it); see
 * `stateInBucket` for moving it into the bucket afterwards. It also prepares the account where
 * asked (`spotServiceLinkedRole`).
 */
export class BootstrapStack extends TerraformStack {
  public readonly stateKey: KmsKey;
  public readonly bucket: S3Bucket;
  /** Present when `state.dynamodbTable` is set. */
  public readonly lockTable?: DynamodbTable;
  /** Present when `spotServiceLinkedRole` is set. */
  public readonly spotServiceLinkedRole?: IamServiceLinkedRole;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const partition = props.partition ?? "aws";
    assertPartition("BootstrapStackProps.partition", partition);
    if (props.state.region !== props.target.region) {
      throw new Error(
        `BootstrapStackProps.state.region ("${props.state.region}") must equal target.region ` +
          `("${props.target.region}"): the bucket is created in the provider's region`,
      );
    }

    configureBackend(this, {
      environment: props.environment,
      stackName: id,
      state: props.stateInBucket ? props.state : undefined,
      offline: props.offline,
    });
    if (!props.stateInBucket) {
      suppress(
        this,
        "PLT-STATE-2",
        "the state bucket does not exist until this stack creates it; move this state into it with stateInBucket: true (an environment's state.bootstrapStateInBucket) and terraform init -migrate-state",
      );
    }
    awsProvider(this, {
      environment: props.environment,
      owner: props.owner,
      target: props.target,
      offline: props.offline,
    });

    this.stateKey = new KmsKey(this, "state-key", {
      alias: stateKeyAlias(props.environment),
      description: `Terraform state of the ${props.environment} environment`,
      accountId: props.target.accountId,
      region: props.target.region,
      partition,
      administrators: props.kmsAdministrators,
      protect: true,
      // Only S3 (through IAM policies of the account) uses this key.
      usage: { ebs: false, logs: false },
    });

    this.bucket = new S3Bucket(this, "state-bucket", {
      bucket: props.state.bucket,
      lifecycle: { preventDestroy: true },
    });
    const bucket = this.bucket.id;

    new S3BucketVersioningA(this, "state-bucket-versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "state-bucket-encryption", {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: this.stateKey.keyArn,
          },
          // One data key per bucket instead of a KMS call per object.
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, "state-bucket-public-access", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "state-bucket-ownership", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPolicy(this, "state-bucket-policy", {
      bucket,
      policy: policyDocument([
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]),
      // S3 rejects a policy put while the public access block is being changed.
      dependsOn: [publicAccessBlock],
    });

    if (props.state.dynamodbTable) {
      this.lockTable = new DynamodbTable(this, "lock-table", {
        name: props.state.dynamodbTable,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: this.stateKey.keyArn },
        pointInTimeRecovery: { enabled: true },
        lifecycle: { preventDestroy: true },
      });
    }

    if (props.spotServiceLinkedRole) {
      this.spotServiceLinkedRole = new IamServiceLinkedRole(this, "spot-service-linked-role", {
        awsServiceName: "spot.amazonaws.com",
        description: "EC2 Spot: lets EC2 launch Spot instances that Karpenter asks for",
        lifecycle: { preventDestroy: true },
      });
    }

    new TerraformOutput(this, "state_bucket", { value: this.bucket.bucket });
    new TerraformOutput(this, "state_kms_key_arn", { value: this.stateKey.keyArn });
  }
}
