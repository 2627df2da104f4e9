import { isNotTrue, violation } from "../attributes";
import { PolicyRule } from "../types";

export const KMS_KEY_ROTATION: PolicyRule = {
  id: "PLT-KMS-1",
  level: "error",
  explanation: "customer-managed KMS keys must rotate their key material yearly or more often",
  fix: "set enableKeyRotation: true on the aws_kms_key (and rotationPeriodInDays if you need a shorter period)",
  appliesTo: ["aws_kms_key"],
  check: ({ attributes }) =>
    isNotTrue(attributes.enable_key_rotation)
      ? [violation(`enable_key_rotation is ${String(attributes.enable_key_rotation ?? "not set")}`)]
      : [],
};
