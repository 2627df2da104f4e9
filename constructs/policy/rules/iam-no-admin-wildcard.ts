import { Attributes, blocks, parseJson, violation } from "../attributes";
import { PolicyRule, PolicySubject, PolicyViolation } from "../types";

function list(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Statements allowing every action on every resource. Deny statements and NotAction are left alone. */
function adminStatements(document: unknown): string[] {
  if (typeof document !== "object" || document === null) return [];
  const statements = list((document as { Statement?: unknown }).Statement);
  return statements.flatMap((statement, index) => {
    if (typeof statement !== "object" || statement === null) return [];
    const s = statement as Record<string, unknown>;
    const allow = s.Effect === undefined || s.Effect === "Allow";
    const anyAction = list(s.Action).some((action) => action === "*" || action === "*:*");
    const anyResource = list(s.Resource).includes("*");
    return allow && anyAction && anyResource
      ? [typeof s.Sid === "string" ? `statement ${s.Sid}` : `statement ${index}`]
      : [];
  });
}

function check(where: string, policy: unknown): PolicyViolation[] {
  return adminStatements(parseJson(policy)).map((statement) =>
    violation(`${where} ${statement} allows Action "*" on Resource "*"`),
  );
}

/** The IAM policy documents of a subject. Trust policies have no Resource, so they are not read. */
function documents({ type, attributes }: PolicySubject): [string, unknown][] {
  if (type === "aws_iam_role") {
    return blocks(attributes.inline_policy).map((inline: Attributes) => [
      `inline_policy ${String(inline.name ?? "")}`.trim(),
      inline.policy,
    ]);
  }
  return [["policy", attributes.policy]];
}

export const IAM_NO_ADMIN_WILDCARD: PolicyRule = {
  id: "PLT-IAM-1",
  level: "error",
  explanation: 'IAM policies must not allow Action "*" on Resource "*" (full administrator)',
  fix: "list the actions the principal needs and scope Resource to the ARNs it acts on; KMS key policies are not affected",
  appliesTo: [
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
  ],
  check: (subject) => documents(subject).flatMap(([where, policy]) => check(where, policy)),
};
