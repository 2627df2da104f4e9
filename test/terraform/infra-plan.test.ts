import * as fs from "fs";
import { runTerraform } from "../../scripts/lib/terraform";
import { stackDir, synthShipped } from "../support/app";
import { describeWithTerraform } from "../support/terraform-available";

const INFRA_STACKS = ["dev-infra", "staging-infra", "prod-infra"];

describeWithTerraform("infra stacks with the real aws provider (offline)", () => {
  let outdir: string;

  beforeAll(() => {
    ({ outdir } = synthShipped({ offline: true }));
  });

  it.each(INFRA_STACKS)("%s initializes, validates and plans with no AWS account", (stack) => {
    const dir = stackDir(outdir, stack);
    expect(fs.existsSync(`${dir}/cdk.tf.json`)).toBe(true);

    const init = runTerraform(dir, ["init", "-input=false", "-no-color"]);
    expect(init.stderr).toBe("");
    expect(init.status).toBe(0);

    // `terraform plan` validates the configuration first, and fails on an invalid one.
    const plan = runTerraform(dir, [
      "plan",
      "-input=false",
      "-no-color",
      "-refresh=false",
      "-out=plan.tfplan",
    ]);
    expect(plan.stderr).toBe("");
    expect(plan.status).toBe(0);
    const show = runTerraform(dir, ["show", "-json", "plan.tfplan"]);
    const planned = JSON.parse(show.stdout) as {
      resource_changes: { change: { actions: string[] } }[];
    };
    const creates = planned.resource_changes.filter((c) => c.change.actions.includes("create"));
    // Everything is new in an empty state, and nothing else is planned.
    expect(creates.length).toBeGreaterThan(50);
    expect(creates.length).toBe(planned.resource_changes.length);
  });
});
