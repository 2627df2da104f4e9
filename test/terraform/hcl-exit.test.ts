import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeWithTerraform } from "../support/terraform-available";
import { type Validation, errorsOf, validateTogether } from "./support";

const STACKS = ["dev-infra", "staging-infra", "prod-infra", "prod-bootstrap"];

/**
 * The exit path: CDKTF is archived upstream, so `cdktf synth --hcl` must write plain Terraform
 * that Terraform accepts, letting users leave cdktf without rewriting their stacks. The stacks
 * are validated in one Terraform run (`validateTogether`), where their S3 backends, which need
 * credentials to initialize, are ignored.
 */
describeWithTerraform("cdktf synth --hcl (leaving cdktf)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-hcl-"));
  let validations: Validation[];

  beforeAll(async () => {
    const synth = spawnSync("npx", ["cdktf", "synth", "--hcl", "--output", outdir], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    if (synth.status !== 0) throw new Error(`cdktf synth --hcl failed:\n${synth.stderr}`);
    validations = await validateTogether(STACKS.map((stack) => path.join(outdir, "stacks", stack)));
  }, 300_000);

  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it.each(STACKS.map((stack, i) => [stack, i] as const))("%s: the HCL validates", (stack, i) => {
    const dir = path.join(outdir, "stacks", stack);
    expect(fs.existsSync(path.join(dir, "cdk.tf"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "cdk.tf.json"))).toBe(false);
    expect(errorsOf(validations[i])).toEqual([]);
    expect(validations[i].valid).toBe(true);
  });
});
