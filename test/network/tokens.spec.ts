/**
 * Vpc with tokens where a real deploy has them (the cases:
 * test/terraform/validation/vpc-tokens.ts): synth passes the flow log key's reference or variable
 * through untouched. That the configurations pass `terraform validate` is checked in
 * test/terraform/validate.test.ts, with every other stack the tests validate.
 */
import { VPC_TOKEN_CASES } from "../terraform/validation/vpc-tokens";
import { type SynthesizedCases, synthCases } from "../terraform/validation/group";

describe("Vpc with tokens where real deploys have them", () => {
  let synthesized: SynthesizedCases<keyof typeof VPC_TOKEN_CASES>;
  beforeAll(() => (synthesized = synthCases("platform-vpc-tokens-", VPC_TOKEN_CASES)));

  it.each<[keyof typeof VPC_TOKEN_CASES, string]>([
    ["key-resource", "${aws_kms_key.logs.arn}"],
    ["key-variable", "${var.logs_key_arn}"],
  ])("%s: the flow log group is encrypted with %s", (name, reference) => {
    const groups = Object.values(synthesized.get(name)!.json.resource.aws_cloudwatch_log_group);
    expect(groups).toEqual([expect.objectContaining({ kms_key_id: reference })]);
  });
});
