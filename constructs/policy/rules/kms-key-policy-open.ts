import { violation } from "../attributes";
import { documentAt, openToEveryone, statementName } from "../policy-statements";
import { PolicyRule } from "../types";

export const KMS_KEY_POLICY_OPEN: PolicyRule = {
  id: "PLT-KMS-2",
  level: "error",
  explanation:
    "a KMS key policy statement for principal * must be tied to callers of your account: a key policy alone grants access, so principal * with no such condition lets any AWS account use the key",
  fix: "name the principals (the account root, roles), or keep principal * and add a Condition fixing kms:CallerAccount (or aws:PrincipalAccount, aws:PrincipalOrgID) to your account or organization, as AWS's EBS key pattern does",
  appliesTo: ["aws_kms_key", "aws_kms_key_policy", "aws_kms_replica_key"],
  check: ({ attributes }, context) =>
    documentAt("policy", attributes.policy, context).flatMap(({ where, statements }) =>
      statements.flatMap((statement, index) =>
        openToEveryone(statement)
          ? [
              violation(
                `${where} ${statementName(statement, index)} allows principal * with no condition naming the caller's account`,
              ),
            ]
          : [],
      ),
    ),
};
