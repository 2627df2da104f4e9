import { Attributes, blocks, violation } from "../attributes";
import { documentAt, openToEveryone, statementName } from "../policy-statements";
import { PolicyContext, PolicyRule, PolicySubject, PolicyViolation } from "../types";

/** Canned ACLs that grant everyone, or every AWS account, access. */
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
/** ACL grantee groups that stand for everyone and for every AWS account. */
const PUBLIC_GRANTEES = /\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

function cannedAcl(acl: unknown): PolicyViolation[] {
  return typeof acl === "string" && PUBLIC_CANNED_ACLS.includes(acl)
    ? [violation(`acl is "${acl}"`)]
    : [];
}

function grants(grantList: Attributes[]): PolicyViolation[] {
  return grantList.flatMap((grant) => {
    const grantees = [...blocks(grant.grantee), grant];
    return grantees.flatMap((grantee) => {
      const group = typeof grantee.uri === "string" ? PUBLIC_GRANTEES.exec(grantee.uri) : null;
      const permission = grant.permission ?? grant.permissions;
      return group ? [violation(`grants ${String(permission)} to ${group[1]}`)] : [];
    });
  });
}

function acl({ type, attributes }: PolicySubject): PolicyViolation[] {
  if (type === "aws_s3_bucket_acl") {
    const policy = blocks(attributes.access_control_policy)[0];
    return [...cannedAcl(attributes.acl), ...grants(policy ? blocks(policy.grant) : [])];
  }
  // aws_s3_bucket (legacy acl and grant arguments) and aws_s3_object.
  return [...cannedAcl(attributes.acl), ...grants(blocks(attributes.grant))];
}

function bucketPolicy({ attributes }: PolicySubject, context: PolicyContext): PolicyViolation[] {
  return documentAt("policy", attributes.policy, context).flatMap(({ where, statements }) =>
    statements.flatMap((statement, index) =>
      openToEveryone(statement)
        ? [
            violation(
              `${where} ${statementName(statement, index)} allows principal * with no condition limiting the caller, account or network`,
            ),
          ]
        : [],
    ),
  );
}

export const S3_NO_PUBLIC_ACCESS: PolicyRule = {
  id: "PLT-S3-1",
  level: "error",
  explanation:
    "S3 buckets and objects must not be public: no public-read, public-read-write or authenticated-read ACL, no ACL grant to AllUsers or AuthenticatedUsers, no bucket policy allowing principal * without a condition on the caller, account or network",
  fix: "use a private ACL (better: objectOwnership BucketOwnerEnforced, which turns ACLs off), and in bucket policies name principals or fix aws:PrincipalAccount, aws:PrincipalOrgID, aws:SourceVpce or aws:SourceIp; keep an aws_s3_bucket_public_access_block with every setting true",
  appliesTo: ["aws_s3_bucket_acl", "aws_s3_bucket", "aws_s3_object", "aws_s3_bucket_policy"],
  check: (subject, context) => {
    switch (subject.type) {
      case "aws_s3_bucket_policy":
        return bucketPolicy(subject, context);
      case "aws_s3_bucket":
        return [...acl(subject), ...bucketPolicy(subject, context)];
      default:
        return acl(subject);
    }
  },
};
