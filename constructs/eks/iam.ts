import { PolicyStatement, policyDocument } from "../shared/aws-account";

/** ARN of an AWS managed policy, such as `AmazonEKSWorkerNodePolicy`. */
export function awsManagedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy letting an AWS service principal assume a role with the given actions. */
export function serviceTrustPolicy(service: string, actions: readonly string[]): string {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: [...actions],
    },
  ]);
}

/**
 * The cluster role's rights on the secrets key, as terraform-aws-eks attaches them: EKS encrypts
 * and decrypts secrets' data keys as the cluster role, so secrets encryption must not depend on
 * the rights of whoever runs apply.
 */
export function clusterEncryptionStatements(kmsKeyArn: string): PolicyStatement[] {
  return [
    {
      Sid: "SecretsEnvelopeEncryption",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
      Resource: kmsKeyArn,
    },
  ];
}

/** The cluster role's inline policy on the secrets key: clusterEncryptionStatements as a document. */
export function clusterEncryptionPolicy(kmsKeyArn: string): string {
  return policyDocument(clusterEncryptionStatements(kmsKeyArn));
}

/** Turns an ARN or name into a construct ID that stays the same wherever it sits in a list. */
export function idFromArn(arn: string): string {
  return arn
    .replace(/^arn:[^:]+:/, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
