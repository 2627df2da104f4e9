import { Attributes, blocks, knownStrings } from "./attributes";
import { Document, Statement, documentAt } from "./policy-statements";
import { PolicyContext, PolicySubject } from "./types";

/**
 * The IAM permission policies (identity policies) a resource grants: its own documents, inline
 * policies of a role, and AWS managed policies it attaches. Trust policies have no Resource and
 * key policies name principals; neither is read here.
 */

/**
 * AWS managed policies that grant administrator-like rights, by the statements that make them
 * so (from AWS's managed policy reference). Other managed policies are not known here and are
 * not reported.
 */
const MANAGED_POLICIES: Readonly<Record<string, readonly Statement[]>> = {
  AdministratorAccess: [{ Effect: "Allow", Action: "*", Resource: "*" }],
  IAMFullAccess: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }],
  PowerUserAccess: [
    {
      Effect: "Allow",
      NotAction: ["iam:*", "organizations:*", "account:*"],
      Resource: "*",
    },
  ],
};

const AWS_MANAGED_POLICY = /^arn:[\w-]+:iam::aws:policy\/(?:.*\/)?([\w+=,.@-]+)$/;

function managedPolicies(arns: readonly string[]): Document[] {
  return arns.flatMap((arn) => {
    const name = AWS_MANAGED_POLICY.exec(arn)?.[1];
    const statements = name === undefined ? undefined : MANAGED_POLICIES[name];
    return statements ? [{ where: `AWS managed policy ${name}`, statements }] : [];
  });
}

/** Resource types whose attributes hold permission policies or attach managed ones. */
export const PERMISSION_POLICY_TYPES = [
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
  "aws_iam_role_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_role_policy_attachments_exclusive",
] as const;

/** The permission policy documents of a subject of one of PERMISSION_POLICY_TYPES. */
export function permissionDocuments(subject: PolicySubject, context: PolicyContext): Document[] {
  const a = subject.attributes;
  switch (subject.type) {
    case "aws_iam_role":
      return [
        ...blocks(a.inline_policy).flatMap((inline: Attributes) =>
          documentAt(`inline_policy ${String(inline.name ?? "")}`.trim(), inline.policy, context),
        ),
        ...managedPolicies(knownStrings(a.managed_policy_arns) ?? []),
      ];
    case "aws_iam_role_policy_attachments_exclusive":
      return managedPolicies(knownStrings(a.policy_arns) ?? []);
    case "aws_iam_role_policy_attachment":
    case "aws_iam_user_policy_attachment":
    case "aws_iam_group_policy_attachment":
    case "aws_iam_policy_attachment":
      return typeof a.policy_arn === "string" ? managedPolicies([a.policy_arn]) : [];
    default:
      return documentAt("policy", a.policy, context);
  }
}
