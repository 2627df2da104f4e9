import { blocks, references, violation } from "../attributes";
import { PolicyRule } from "../types";

export const DEFAULT_SECURITY_GROUP_CLOSED: PolicyRule = {
  id: "PLT-SG-2",
  level: "error",
  explanation:
    "the default security group of a VPC must have no rules: anything launched without a group lands in it, and AWS creates it allowing all traffic between its members",
  fix: "manage it with an aws_default_security_group for the VPC that has no ingress and no egress blocks (Terraform then removes AWS's default rules)",
  appliesTo: ["aws_default_security_group", "aws_vpc"],
  check: (subject, context) => {
    if (subject.type === "aws_vpc") {
      const managed = context
        .subjectsOfType("aws_default_security_group")
        .some((group) => references(group.attributes.vpc_id, subject, context));
      return managed
        ? []
        : [violation("no aws_default_security_group in this stack takes its rules away")];
    }
    const rules = ["ingress", "egress"].filter(
      (kind) => blocks(subject.attributes[kind]).length > 0,
    );
    return rules.length > 0 ? [violation(`has ${rules.join(" and ")} rules`)] : [];
  },
};
