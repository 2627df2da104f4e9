import * as fs from "fs";
import { stackNames } from "../../stacks/app";
import { shippedEnvironments } from "../../stacks/environments";
import { stackDir, synthShipped } from "../support/app";

// Snapshots of the real (online) configuration: S3 backends, no fake credentials. Read the diff
// of every snapshot update: it is the plan-shaped summary of what a change does to each stack.
const { outdir, stackNames: synthesized } = synthShipped({ offline: false });

describe("shipped stacks", () => {
  it("are the infra, platform and bootstrap stacks of each environment", () => {
    // EKS: infra and platform, and bootstrap when the state is in S3; on-prem: platform only.
    const expected = shippedEnvironments().flatMap((env) => {
      const names = stackNames(env.name);
      if (env.platform === "onprem") return [names.platform];
      return [...(env.state ? [names.bootstrap] : []), names.infra, names.platform];
    });
    expect([...synthesized].sort()).toEqual(expected.sort());
  });

  it.each(synthesized)("%s matches its snapshot", (stack) => {
    const json = JSON.parse(fs.readFileSync(`${stackDir(outdir, stack)}/cdk.tf.json`, "utf8"));
    // The cdktf version/metadata block carries nothing reviewable.
    delete json["//"];
    expect(json).toMatchSnapshot();
  });
});
