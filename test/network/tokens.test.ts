/**
 * Vpc with tokens where a real deploy has them: the flow log key is created in the same stack (a
 * reference) or comes from another stack (a variable). Everything else a deploy passes (name,
 * CIDR, zones, account) is a literal, because subnets are planned at synth time. The
 * configuration must pass `terraform validate` with the real aws provider.
 */
import * as fs from "fs";
import * as path from "path";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformStack, TerraformVariable } from "cdktf";
import { Vpc, VpcProps } from "../../constructs/network";
import {
  ACCOUNT,
  REGION,
  Validation,
  errorsOf,
  synthStackDir,
  validateTogether,
} from "../terraform/support";
import { describeWithTerraform } from "../support/terraform-available";
import { scratchDir } from "../support/scratch";

type Json = { resource: Record<string, Record<string, Record<string, unknown>>> };

function vpc(stack: TerraformStack, kmsKeyArn: string): void {
  const props: VpcProps = {
    name: "dev-platform",
    cidr: "10.10.0.0/16",
    zones: [`${REGION}a`, `${REGION}c`],
    nat: "single",
    clusterName: "dev-platform",
    flowLogs: { kmsKeyArn },
    // Gateway and interface endpoints, so the endpoint security group is validated too.
    endpoints: ["s3", "ecr.api"],
    region: REGION,
    accountId: ACCOUNT,
  };
  new Vpc(stack, "network", props);
}

const CASES = {
  "key-resource": (stack: TerraformStack) =>
    vpc(stack, new KmsKey(stack, "logs", { enableKeyRotation: true }).arn),
  "key-variable": (stack: TerraformStack) =>
    vpc(stack, new TerraformVariable(stack, "logs_key_arn", { type: "string" }).stringValue),
} as const;
type CaseName = keyof typeof CASES;

describeWithTerraform("Vpc with tokens where real deploys have them", () => {
  let root: string;
  const synthesized = new Map<CaseName, { json: Json; validation: Validation }>();

  beforeAll(async () => {
    root = scratchDir("platform-vpc-tokens-");
    const names = Object.keys(CASES) as CaseName[];
    const stacks = names.map((name) => synthStackDir(path.join(root, name), name, CASES[name]));
    const validations = await validateTogether(stacks.map((stack) => stack.dir));
    names.forEach((name, i) =>
      synthesized.set(name, { json: stacks[i].json as Json, validation: validations[i] }),
    );
  }, 600_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each(Object.keys(CASES) as CaseName[])("%s: terraform validate passes", (name) => {
    const { validation } = synthesized.get(name)!;
    expect(errorsOf(validation)).toEqual([]);
    expect(validation.valid).toBe(true);
  });

  it.each<[CaseName, string]>([
    ["key-resource", "${aws_kms_key.logs.arn}"],
    ["key-variable", "${var.logs_key_arn}"],
  ])("%s: the flow log group is encrypted with %s", (name, reference) => {
    const groups = Object.values(synthesized.get(name)!.json.resource.aws_cloudwatch_log_group);
    expect(groups).toEqual([expect.objectContaining({ kms_key_id: reference })]);
  });
});
