/**
 * Synthesizing needs Node.js only: the Terraform CLI is for plans and applies. cdktf's own
 * `DataResource` runs `terraform version` during synth, which made synth fail on a machine
 * without Terraform; WaitForCondition's step does not.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { tempOutdir } from "../support/app";
import { scratchDir } from "../support/scratch";

const ROOT = path.resolve(__dirname, "../..");

it("synthesizes every shipped stack with no terraform on PATH", () => {
  // PATH holds node and nothing else, so `terraform` (and every other tool) is not found.
  const bin = scratchDir("node-only-");
  fs.symlinkSync(process.execPath, path.join(bin, "node"));
  const outdir = tempOutdir("synth-no-terraform-");
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
  const result = spawnSync("/bin/sh", ["-c", cdktfJson.app], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: bin, HOME: os.tmpdir(), CDKTF_OUTDIR: outdir },
  });
  expect(
    spawnSync("/bin/sh", ["-c", "command -v terraform"], { env: { PATH: bin } }).status,
  ).not.toBe(0);
  expect(result.stderr).not.toMatch(/terraform/i);
  expect(result.status).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks = Object.values(manifest.stacks) as { synthesizedStackPath: string }[];
  expect(stacks.length).toBeGreaterThan(0);
  // The Calico CNI environments wait for Calico through terraform_data steps.
  const steps = stacks.flatMap((stack) =>
    Object.keys(
      JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")).resource
        ?.terraform_data ?? {},
    ),
  );
  expect(steps.length).toBeGreaterThan(0);
});
