import { references, violation } from "../attributes";
import { PolicyRule } from "../types";

export const VPC_FLOW_LOGS: PolicyRule = {
  id: "PLT-VPC-1",
  level: "error",
  explanation: "every VPC must have flow logs, the only record of who talked to what inside it",
  fix: "add an aws_flow_log with vpcId set to this VPC's id (to an encrypted log group with retention), in the same stack",
  appliesTo: ["aws_vpc"],
  check: (vpc, context) =>
    context
      .subjectsOfType("aws_flow_log")
      .some((log) => references(log.attributes.vpc_id, vpc, context))
      ? []
      : [violation("no aws_flow_log in this stack references this VPC")],
};
