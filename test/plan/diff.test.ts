/**
 * `PLATFORM_OFFLINE=1 npm run diff -- <stack>`, as the docs give it, on a fresh output directory:
 * cdktf's provider-lock step would ask the public registry for checksums and fail offline.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { tempOutdir } from "../support/app";
import { describeWithTerraform } from "../support/terraform-available";
import { scriptCommand } from "../support/script";

const ROOT = path.resolve(__dirname, "../..");

describeWithTerraform("npm run diff (offline)", () => {
  it("plans an infra stack from a fresh output directory without the registry", () => {
    const outdir = tempOutdir("platform-diff-");
    // scripts/diff.ts, what `npm run diff` runs (see scriptCommand for the launcher): it only
    // spawns `npx cdktf diff`, which runs cdktf.json's app command whatever started the script.
    const [command, args] = scriptCommand("scripts/diff.ts", ["dev-infra", "--output", outdir]);
    const result = spawnSync(command, args, {
      cwd: ROOT,
      env: { ...process.env, PLATFORM_OFFLINE: "1", CI: "1" },
      encoding: "utf8",
      timeout: 300_000,
    });
    // Without the colour codes Terraform writes around words.
    // eslint-disable-next-line no-control-regex
    const output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, "");
    expect(output).not.toContain("registry.terraform.io");
    expect(result.status).toBe(0);
    // An empty local state: everything is created, nothing changed or destroyed.
    expect(output).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
  });
});
