import { Fn, Token } from "cdktf";
import { z } from "zod";
import { displayValue } from "./validation/display";
import { checkedPattern, tokenOrEnum, withJsonSchema } from "./validation/fields";

/**
 * Schemas of the account coordinates constructs take as props (instead of data sources, so stacks
 * plan offline), and of the ARNs they are given. Values that are tokens are left to apply time.
 */

/** A 12-digit AWS account ID, or a token (a data source's `accountId`). */
export const awsAccountId = checkedPattern(
  /^\d{12}$/,
  (value) => `must be a 12-digit AWS account ID; got "${value}"`,
);

/** An AWS region name (ap-northeast-2), or a token. */
export const awsRegion = checkedPattern(
  /^[a-z]{2}(-[a-z]+)+-\d$/,
  (value) => `must be an AWS region such as ap-northeast-2; got "${value}"`,
);

/**
 * Partitions the constructs support: those whose service principals (`eks.amazonaws.com`) and
 * endpoint service names (`com.amazonaws.<region>.s3`) use the `amazonaws.com` DNS suffix, which
 * the constructs write. China (`aws-cn`: suffix `amazonaws.com.cn`, yet some principals keep
 * `amazonaws.com` and some endpoint names start `cn.com.amazonaws`) differs service by service,
 * and the ISO partitions use other suffixes, so they are refused rather than half supported.
 */
export const SUPPORTED_PARTITIONS = ["aws", "aws-us-gov"] as const;
export type SupportedPartition = (typeof SUPPORTED_PARTITIONS)[number];

/** Why other partitions are refused; shared with the environment checks. */
export const UNSUPPORTED_PARTITION_REASON =
  'only "aws" and "aws-us-gov" end their service principals and endpoint names in amazonaws.com, which these constructs write';

const unsupportedPartition = (partition: string) =>
  `"${partition}" is not supported (${UNSUPPORTED_PARTITION_REASON}); use "aws" or "aws-us-gov"`;

/** One of SUPPORTED_PARTITIONS, or a token. */
export const awsPartition = tokenOrEnum(SUPPORTED_PARTITIONS, unsupportedPartition);

/** Throws unless `partition` is one of SUPPORTED_PARTITIONS (for stacks, which take no schema). */
export function assertPartition(where: string, partition: string): void {
  if (Token.isUnresolved(partition)) return;
  if (!(SUPPORTED_PARTITIONS as readonly string[]).includes(partition)) {
    throw new Error(`${where} ${unsupportedPartition(partition)}`);
  }
}

/**
 * The partition of a region, by the region patterns of the AWS SDKs' partitions.json
 * (`^us\-gov\-\w+\-\d+$` for aws-us-gov, `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$` for
 * aws); undefined for regions of other partitions (cn-north-1, us-iso-east-1, ...).
 */
export function partitionOfRegion(region: string): SupportedPartition | undefined {
  if (/^us-gov-\w+-\d+$/.test(region)) return "aws-us-gov";
  if (/^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/.test(region)) return "aws";
  return undefined;
}

/** An IAM role or user ARN of a supported partition (an administrator), or a token. */
export const iamPrincipalArn = checkedPattern(
  /^arn:(aws|aws-us-gov):(iam|sts)::\d{12}:(role|user|assumed-role)\/[\w+=,.@/-]+$/,
  (value) =>
    'must be an IAM role or user ARN in the "aws" or "aws-us-gov" partition, such as ' +
    `arn:aws:iam::123456789012:role/platform-admin; got "${value}"`,
);

/** An IAM role ARN of a supported partition, or a token. */
export const iamRoleArn = checkedPattern(
  /^arn:(aws|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]+$/,
  (value) =>
    `must be an IAM role ARN such as arn:aws:iam::123456789012:role/karpenter; got "${value}"`,
);

/** An IAM role name (not its ARN), or a token. */
export const iamRoleName = checkedPattern(
  /^[\w+=,.@-]{1,64}$/,
  (name) =>
    "must be an IAM role name (not its ARN): at most 64 letters, digits and +=,.@_-, so derive " +
    `it from a shorter name; got "${name}"`,
);

/** A KMS key ARN (not an alias) of a supported partition, or a token. */
export const kmsKeyArn = checkedPattern(
  /^arn:(aws|aws-us-gov):kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/,
  (value) =>
    `must be a KMS key ARN such as arn:aws:kms:ap-northeast-2:123456789012:key/<id>; got "${value}"`,
);

/**
 * What every AWS service accepts in a tag value: letters, digits, spaces and `_.:/=+-@`
 * (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` in the tagging APIs), not starting with `aws:`. EC2 takes
 * more, but a default tag reaches IAM, KMS, EKS and S3 too, which refuse the rest at apply.
 */
export const AWS_TAG_VALUE = /^(?![aA][wW][sS]:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A tag value of at most `max` characters (AWS allows 256), written as every service takes it. */
export function awsTagValue(max: number) {
  return withJsonSchema(
    z.string().refine(
      (value) => value.length >= 1 && value.length <= max && AWS_TAG_VALUE.test(value),
      (value) => ({
        message:
          `must be 1 to ${max} letters, digits, spaces and _ . : / = + - @, not starting with aws: ` +
          `(what AWS accepts in a tag value); got ${displayValue(value)}`,
      }),
    ),
    { type: "string", pattern: AWS_TAG_VALUE.source, maxLength: max },
  );
}

/** The account an ARN names (`arn:aws:iam::123456789012:role/x`), when it names one. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
}

/** An IAM policy statement as rendered into policy JSON. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Record<string, string | string[]> | "*";
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** Renders a policy document at synth time; tokens inside the statements resolve in place. */
const documents = new Map<string, object>();

/**
 * A policy document as `jsonencode(...)`. Not JSON.stringify: a JSON string with references
 * embedded (`${aws_sqs_queue.q.arn}`) breaks `cdktf synth --hcl`, which re-reads such a string as
 * a template, and so the exit path to plain Terraform (docs/leaving-cdktf.md).
 */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  const document = { Version: "2012-10-17", Statement: statements };
  const encoded = Fn.jsonencode(document);
  documents.set(encoded, document);
  return encoded;
}

/** The document behind a `policyDocument()` value, for synth-time inspection (policy rules). */
export function policyDocumentOf(value: string): object | undefined {
  return documents.get(value);
}
