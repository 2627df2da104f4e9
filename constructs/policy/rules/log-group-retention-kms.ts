import { isSet, isToken, violation } from "../attributes";
import { PolicyRule, PolicyViolation } from "../types";

export const LOG_GROUP_RETENTION_KMS: PolicyRule = {
  id: "PLT-LOG-1",
  level: "error",
  explanation:
    "CloudWatch log groups must expire events (unbounded retention grows cost without limit) and be encrypted with a customer-managed KMS key",
  fix: "set retentionInDays (a value CloudWatch accepts, such as 30, 90 or 365) and kmsKeyId to a key whose policy lets logs.<region>.amazonaws.com use it",
  appliesTo: ["aws_cloudwatch_log_group"],
  check: ({ attributes }) => {
    const problems: PolicyViolation[] = [];
    const retention = attributes.retention_in_days;
    if (!isToken(retention) && (retention === undefined || retention === null || retention === 0)) {
      problems.push(
        violation(
          retention === 0
            ? "retention_in_days is 0 (never expire)"
            : "retention_in_days is not set",
        ),
      );
    }
    if (!isSet(attributes.kms_key_id)) problems.push(violation("kms_key_id is not set"));
    return problems;
  },
};
