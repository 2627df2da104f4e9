import { blocks, isSet, isToken, knownStrings, violation } from "../attributes";
import { PolicyRule } from "../types";

export const EKS_SECRETS_ENCRYPTION: PolicyRule = {
  id: "PLT-EKS-1",
  level: "error",
  explanation:
    "EKS clusters must envelope-encrypt Kubernetes secrets with a customer-managed KMS key; it cannot be turned off once on",
  fix: 'set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } } on the aws_eks_cluster',
  appliesTo: ["aws_eks_cluster"],
  check: ({ attributes }) => {
    if (isToken(attributes.encryption_config)) return [];
    const encryptsSecrets = blocks(attributes.encryption_config).some((config) => {
      const resources = knownStrings(config.resources);
      const keyArn = blocks(config.provider)[0]?.key_arn;
      return (resources === undefined || resources.includes("secrets")) && isSet(keyArn);
    });
    return encryptsSecrets ? [] : [violation("no encryption_config covers secrets with a KMS key")];
  },
};
