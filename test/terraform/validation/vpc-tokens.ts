/**
 * Vpc with tokens where a real deploy has them: the flow log key is created in the same stack (a
 * reference) or comes from another stack (a variable). Everything else a deploy passes (name,
 * CIDR, zones, account) is a literal, because subnets are planned at synth time. The
 * configuration must pass `terraform validate` with the real aws provider (what synth makes of
 * the tokens: test/network/tokens.spec.ts).
 */
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { TerraformStack, TerraformVariable } from "cdktf";
import { Vpc, VpcProps } from "../../../constructs/network";
import { ACCOUNT, REGION } from "../support";
import { caseGroup } from "./group";

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

export const VPC_TOKEN_CASES = {
  "key-resource": (stack: TerraformStack) =>
    vpc(stack, new KmsKey(stack, "logs", { enableKeyRotation: true }).arn),
  "key-variable": (stack: TerraformStack) =>
    vpc(stack, new TerraformVariable(stack, "logs_key_arn", { type: "string" }).stringValue),
} as const;

export const vpcTokens = () =>
  caseGroup(
    "Vpc with tokens where real deploys have them",
    "platform-vpc-tokens-",
    VPC_TOKEN_CASES,
  );
