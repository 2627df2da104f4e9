import { DEFAULT_SECURITY_GROUP_CLOSED } from "./rules/default-security-group-closed";
import { EBS_ENCRYPTED } from "./rules/ebs-encrypted";
import { EKS_CONTROL_PLANE_LOGGING } from "./rules/eks-control-plane-logging";
import { EKS_PUBLIC_ENDPOINT } from "./rules/eks-public-endpoint";
import { EKS_SECRETS_ENCRYPTION } from "./rules/eks-secrets-encryption";
import { IAM_NO_ADMIN_WILDCARD } from "./rules/iam-no-admin-wildcard";
import { IAM_NO_IAM_WILDCARD } from "./rules/iam-no-iam-wildcard";
import { IMDSV2_REQUIRED } from "./rules/imdsv2-required";
import { KMS_KEY_POLICY_OPEN } from "./rules/kms-key-policy-open";
import { KMS_KEY_ROTATION } from "./rules/kms-key-rotation";
import { LOG_GROUP_RETENTION_KMS } from "./rules/log-group-retention-kms";
import { NO_WORLD_INGRESS } from "./rules/no-world-ingress";
import { LOCAL_STATE } from "./rules/local-state";
import { REMOTE_STATE_ENCRYPTED } from "./rules/remote-state-encrypted";
import { S3_NO_PUBLIC_ACCESS } from "./rules/s3-no-public-access";
import { SERVICE_PRINCIPAL_SOURCE } from "./rules/service-principal-source";
import { SQS_ENCRYPTION } from "./rules/sqs-encryption";
import { VPC_FLOW_LOGS } from "./rules/vpc-flow-logs";
import { PolicyPack } from "./types";

/** The rules every platform stack is held to. */
export const PLATFORM_PACK: PolicyPack = {
  name: "platform",
  rules: [
    KMS_KEY_ROTATION,
    KMS_KEY_POLICY_OPEN,
    EKS_SECRETS_ENCRYPTION,
    EKS_CONTROL_PLANE_LOGGING,
    EKS_PUBLIC_ENDPOINT,
    LOG_GROUP_RETENTION_KMS,
    IMDSV2_REQUIRED,
    EBS_ENCRYPTED,
    NO_WORLD_INGRESS,
    DEFAULT_SECURITY_GROUP_CLOSED,
    SQS_ENCRYPTION,
    VPC_FLOW_LOGS,
    IAM_NO_ADMIN_WILDCARD,
    IAM_NO_IAM_WILDCARD,
    SERVICE_PRINCIPAL_SOURCE,
    S3_NO_PUBLIC_ACCESS,
    REMOTE_STATE_ENCRYPTED,
    LOCAL_STATE,
  ],
};
