import { isSet, isTrue, isToken, violation } from "../attributes";
import { PolicyRule } from "../types";

export const SQS_ENCRYPTION: PolicyRule = {
  id: "PLT-SQS-1",
  level: "error",
  explanation:
    "SQS queues must encrypt messages at rest, stated in the configuration rather than left to the account default",
  fix: "set sqsManagedSseEnabled: true, or kmsMasterKeyId to a KMS key",
  appliesTo: ["aws_sqs_queue"],
  check: ({ attributes }) => {
    const sse = attributes.sqs_managed_sse_enabled;
    if (isTrue(sse) || isToken(sse) || isSet(attributes.kms_master_key_id)) return [];
    return [
      violation(
        sse === undefined
          ? "neither sqs_managed_sse_enabled nor kms_master_key_id is set"
          : `sqs_managed_sse_enabled is ${String(sse)} and kms_master_key_id is not set`,
      ),
    ];
  },
};
