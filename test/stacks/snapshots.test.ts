import * as fs from "fs";
import { stackDir, synthShipped } from "../support/app";

// Snapshots of the real (online) configuration: S3 backends, no fake credentials. Read the diff
// of every snapshot update: it is the plan-shaped summary of what a change does to each stack.
const { outdir, stackNames } = synthShipped({ offline: false });

describe("shipped stacks", () => {
  it("are the infra, platform and bootstrap stacks of each environment", () => {
    expect([...stackNames].sort()).toEqual(
      [
        "dev-bootstrap",
        "dev-infra",
        "dev-platform",
        "onprem-platform",
        "prod-bootstrap",
        "prod-infra",
        "prod-platform",
        "staging-bootstrap",
        "staging-infra",
        "staging-platform",
      ].sort(),
    );
  });

  it.each(stackNames)("%s matches its snapshot", (stack) => {
    const json = JSON.parse(fs.readFileSync(`${stackDir(outdir, stack)}/cdk.tf.json`, "utf8"));
    // The cdktf version/metadata block carries nothing reviewable.
    delete json["//"];
    expect(json).toMatchSnapshot();
  });
});
