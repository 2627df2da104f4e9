/**
 * Terraform accepts the backend configuration `configureBackend` synthesizes, including the S3
 * remote state source a stack reads another's outputs from (what it holds:
 * test/backend/backend.test.ts).
 */
import * as path from "path";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { App, TerraformStack } from "cdktf";
import { awsProvider } from "../../../stacks/aws-provider";
import { configureBackend, type StateLocation } from "../../../stacks/backend";
import { tempOutdir } from "../../support/app";
import { errorsOf } from "../support";
import { type ValidationGroup } from "./group";

/** Two stacks where the second reads an output of the first (a cross-stack reference). */
export function crossStackApp(app: App, state: StateLocation): void {
  const target = { accountId: "111111111111", region: "ap-northeast-2" };
  const make = (id: string) => {
    const stack = new TerraformStack(app, id);
    configureBackend(stack, { environment: "dev", stackName: id, state, offline: false });
    awsProvider(stack, { environment: "dev", owner: "platform-team", target, offline: true });
    return stack;
  };
  const infra = make("dev-infra");
  const queue = new SqsQueue(infra, "queue", { name: "dev-events" });
  new SqsQueue(make("dev-platform"), "dead-letter", {
    name: "dev-dead-letter",
    redrivePolicy: queue.arn,
  });
}

const STACKS = ["dev-infra", "dev-platform"];

export function backend(): ValidationGroup {
  return {
    synth: async () => {
      const outdir = tempOutdir("backend-");
      const app = new App({ outdir });
      crossStackApp(app, {
        bucket: "platform-tfstate-111111111111",
        region: "ap-northeast-2",
        kmsKeyId: "alias/dev/tfstate",
      });
      app.synth();
      return STACKS.map((stack) => path.join(outdir, "stacks", stack));
    },
    describe: (validations) =>
      describe("terraform accepts the synthesized backend configuration", () => {
        it("validates both stacks, including the S3 remote state source", () => {
          expect(validations().map((v, i) => [STACKS[i], errorsOf(v), v.valid])).toEqual(
            STACKS.map((stack) => [stack, [], true]),
          );
        });
      }),
  };
}
