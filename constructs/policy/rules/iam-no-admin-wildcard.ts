import { violation } from "../attributes";
import { PERMISSION_POLICY_TYPES, permissionDocuments } from "../permission-policies";
import { isAllow, list, onEveryResource, statementName } from "../policy-statements";
import { PolicyRule } from "../types";

export const IAM_NO_ADMIN_WILDCARD: PolicyRule = {
  id: "PLT-IAM-1",
  level: "error",
  explanation: 'IAM policies must not allow Action "*" on Resource "*" (full administrator)',
  fix: "list the actions the principal needs and scope Resource to the ARNs it acts on, and attach no AdministratorAccess; KMS key policies are not affected",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: (subject, context) =>
    permissionDocuments(subject, context).flatMap(({ where, statements }) =>
      statements.flatMap((statement, index) => {
        const anyAction = list(statement.Action).some((a) => a === "*" || a === "*:*");
        return isAllow(statement) && anyAction && onEveryResource(statement)
          ? [
              violation(
                `${where} ${statementName(statement, index)} allows Action "*" on Resource "*"`,
              ),
            ]
          : [];
      }),
    ),
};
