import { violation } from "../attributes";
import { PERMISSION_POLICY_TYPES, permissionDocuments } from "../permission-policies";
import { Statement, isAllow, list, onEveryResource, statementName } from "../policy-statements";
import { PolicyRule, PolicyViolation } from "../types";

/** `iam:*`, `iam*:*`-style patterns that match every IAM action (IAM matches case-insensitively). */
function everyIamAction(action: unknown): boolean {
  return typeof action === "string" && /^iam:\*+$/i.test(action);
}

function problem(statement: Statement): string | undefined {
  if (!isAllow(statement) || !onEveryResource(statement)) return undefined;
  const iam = list(statement.Action).filter(everyIamAction);
  if (iam.length > 0) return `allows every IAM action (${iam.join(", ")})`;
  const except = list(statement.NotAction);
  if (except.length > 0) return `allows everything but ${except.join(", ")} (NotAction)`;
  return undefined;
}

/**
 * Full IAM rights on every resource let a principal grant itself anything (create a user, attach
 * AdministratorAccess); NotAction with Allow grants every action AWS adds later. PLT-IAM-1 covers
 * `*` itself.
 */
export const IAM_NO_IAM_WILDCARD: PolicyRule = {
  id: "PLT-IAM-2",
  level: "error",
  explanation:
    'IAM policies must not allow every IAM action (iam:*) or use NotAction with Allow on Resource "*": either lets the principal escalate to administrator',
  fix: "list the IAM actions the principal needs on the ARNs it manages (for example iam:PassRole on one role), list Action instead of NotAction, and attach neither IAMFullAccess nor PowerUserAccess",
  appliesTo: PERMISSION_POLICY_TYPES,
  check: (subject, context) =>
    permissionDocuments(subject, context).flatMap(({ where, statements }) =>
      statements.flatMap((statement, index): PolicyViolation[] => {
        const found = problem(statement);
        return found
          ? [violation(`${where} ${statementName(statement, index)} ${found} on Resource "*"`)]
          : [];
      }),
    ),
};
