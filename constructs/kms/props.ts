/** KmsKeyProps: the one place their rules and defaults live. */
import { z } from "zod";
import { awsAccountId, awsPartition, awsRegion, iamPrincipalArn } from "../shared/aws-account";
import { checkedString, wholeNumberOrToken, listOf } from "../shared/validation/fields";
import { PropsShape } from "../shared/validation/parse-props";
import type { KmsKeyProps, KmsKeyUsage } from "./kms-key";

const ALIAS_PATTERN = /^[a-zA-Z0-9/_-]+$/;

/** Days between automatic rotations (AWS accepts 90 to 2560). */
export const rotationPeriodDays = wholeNumberOrToken(90, 2560, " of days");

/** IAM principals that administer a key; at least one. */
export const keyAdministrators = listOf(
  iamPrincipalArn,
  1,
  "must name at least one IAM role or user ARN that administers the key",
);

const alias = checkedString(
  (alias) =>
    !alias.startsWith("alias/") &&
    !alias.startsWith("aws/") &&
    alias.length <= 250 &&
    ALIAS_PATTERN.test(alias),
  (alias) =>
    alias.startsWith("alias/")
      ? `"${alias}" must not start with "alias/"; pass "${alias.slice(6)}"`
      : alias.startsWith("aws/")
        ? `"${alias}" must not start with "aws/" (reserved for AWS)`
        : `"${alias}" must be 1 to 250 letters, digits, "/", "_" or "-", such as dev/eks`,
);

const usageShape = {
  ebs: z.boolean().default(true),
  logs: z.boolean().default(true),
} satisfies PropsShape<KmsKeyUsage>;

const shape = {
  alias,
  description: z.string(),
  accountId: awsAccountId,
  region: awsRegion,
  partition: awsPartition.default("aws"),
  administrators: keyAdministrators,
  rotationPeriodDays: rotationPeriodDays.default(365),
  deletionWindowDays: wholeNumberOrToken(7, 30, " of days").default(30),
  protect: z.boolean().default(false),
  usage: z.object(usageShape).strict().default({}),
} satisfies PropsShape<KmsKeyProps>;

export const kmsKeyPropsSchema = z.object(shape).strict();

export type ResolvedKmsKeyProps = z.output<typeof kmsKeyPropsSchema>;
