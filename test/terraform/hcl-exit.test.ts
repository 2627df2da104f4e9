import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTerraform } from "../../scripts/lib/terraform";
import { describeWithTerraform } from "../support/terraform-available";

/**
 * The exit path: CDKTF is archived upstream, so `cdktf synth --hcl` must write plain Terraform
 * that Terraform accepts, letting users leave cdktf without rewriting their stacks.
 */
describeWithTerraform("cdktf synth --hcl (leaving cdktf)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-hcl-"));

  beforeAll(() => {
    const synth = spawnSync("npx", ["cdktf", "synth", "--hcl", "--output", outdir], {
      cwd: path.join(__dirname, "..", ".."),
      encoding: "utf8",
      env: { ...process.env, CHECKPOINT_DISABLE: "1" },
    });
    if (synth.status !== 0) throw new Error(`cdktf synth --hcl failed:\n${synth.stderr}`);
  });

  it.each(["dev-infra", "staging-infra", "prod-infra", "prod-bootstrap"])(
    "%s: the HCL validates",
    (stack) => {
      const dir = path.join(outdir, "stacks", stack);
      expect(fs.existsSync(path.join(dir, "cdk.tf"))).toBe(true);
      expect(fs.existsSync(path.join(dir, "cdk.tf.json"))).toBe(false);
      // The S3 backend needs credentials to initialize; validation does not need it.
      const init = runTerraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
      expect(init.stderr).toBe("");
      const validate = runTerraform(dir, ["validate", "-json", "-no-color"]);
      const result = JSON.parse(validate.stdout) as { valid: boolean; error_count: number };
      expect(result).toMatchObject({ valid: true, error_count: 0 });
    },
  );
});
