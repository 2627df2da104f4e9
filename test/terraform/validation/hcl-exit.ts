/**
 * The exit path: CDKTF is archived upstream, so `cdktf synth --hcl` must write plain Terraform
 * that Terraform accepts, letting users leave cdktf without rewriting their stacks. The stacks'
 * S3 backends, which need credentials to initialize, are ignored in the root they are validated
 * in (`validateTogether`).
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../../support/scratch";
import { type ValidationGroup, expectValid } from "./group";

const STACKS = ["dev-infra", "staging-infra", "prod-infra", "prod-bootstrap"];

/**
 * Runs `npx cdktf synth --hcl` (the project's app, in a child process) into `outdir`. Its output
 * goes to a file, not a pipe: the in-process synthesis of the other groups holds the event loop,
 * and a child writing into a full pipe would wait for it.
 */
function synthHcl(outdir: string): Promise<void> {
  const log = path.join(path.dirname(outdir), "synth.log");
  const fd = fs.openSync(log, "w");
  try {
    const child = spawn("npx", ["cdktf", "synth", "--hcl", "--output", outdir], {
      cwd: path.join(__dirname, "..", "..", ".."),
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", fd, fd],
    });
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status) =>
        status === 0
          ? resolve()
          : reject(new Error(`cdktf synth --hcl failed:\n${fs.readFileSync(log, "utf8")}`)),
      );
    });
  } finally {
    fs.closeSync(fd);
  }
}

export function hclExit(): ValidationGroup {
  const outdir = path.join(scratchDir("platform-hcl-"), "cdktf.out");
  const dirs = STACKS.map((stack) => path.join(outdir, "stacks", stack));
  return {
    synth: async () => {
      await synthHcl(outdir);
      return dirs;
    },
    describe: (validations) =>
      describe("cdktf synth --hcl (leaving cdktf)", () => {
        it.each(STACKS.map((stack, i) => [stack, i] as const))(
          "%s: the HCL validates",
          (_stack, i) => {
            expect(fs.existsSync(path.join(dirs[i], "cdk.tf"))).toBe(true);
            expect(fs.existsSync(path.join(dirs[i], "cdk.tf.json"))).toBe(false);
            expectValid(validations()[i]);
          },
        );
      }),
  };
}
