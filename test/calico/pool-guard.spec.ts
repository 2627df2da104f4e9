/**
 * The IP pool guard with the real Terraform CLI (terraform_data is built in: no provider): applied
 * once, a later plan that changes the pool's CIDR or block size fails while planning, as Calico
 * v3.32 would refuse the change minutes into the apply.
 */
import * as fs from "fs";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { Calico } from "../../constructs/calico";
import { IpPoolGuard } from "../../constructs/calico/pool-guard";
import { tempOutdir } from "../support/app";
import { SynthJson, resourcesOf, synthConstruct } from "../support/synth";
import { describeWithTerraform } from "../support/terraform-available";
import { terraform } from "../terraform/support";
import { scratchDir } from "../support/scratch";

/** Synthesizes a stack holding only the guard into `dir` (state stays in `dir`). */
function synthGuard(dir: string, cidr: string, blockSize: number): string {
  const outdir = tempOutdir("pool-guard-");
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "guard");
  new LocalBackend(stack, { path: path.join(dir, "terraform.tfstate") });
  new IpPoolGuard(stack, "ip-pool", {
    cidr,
    blockSize,
    fields: { cidr: "podCidr", blockSize: "blockSize" },
  });
  app.synth();
  fs.copyFileSync(
    path.join(outdir, "stacks", "guard", "cdk.tf.json"),
    path.join(dir, "cdk.tf.json"),
  );
  return dir;
}

describe("the IP pool guard in a Calico CNI mode", () => {
  const guards = (json: SynthJson) =>
    Object.values(resourcesOf<Record<string, unknown>>(json, "terraform_data"));

  it("records the pool and comes before the operator release", () => {
    const json = synthConstruct(
      (scope) =>
        new Calico(scope, "calico", {
          mode: "ipip",
          platform: "onprem",
          podCidr: "10.244.0.0/16",
          blockSize: 24,
        }),
    );
    const [guard] = guards(json);
    expect(guard.input).toEqual({ cidr: "10.244.0.0/16", blockSize: "24" });
    expect(guard.lifecycle).toMatchObject({ ignore_changes: ["input"] });
    const operator = Object.values(resourcesOf(json, "helm_release")).find(
      (r) => r.chart === "tigera-operator",
    )!;
    expect(operator.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^terraform_data\.calico_ip-pool_/)]),
    );
  });

  it("is absent where Calico has no pool (policy-only)", () => {
    const json = synthConstruct(
      (scope) => new Calico(scope, "calico", { mode: "policy-only", platform: "eks" }),
    );
    expect(guards(json)).toEqual([]);
  });
});

describeWithTerraform("the IP pool guard, planned with Terraform", () => {
  const dir = scratchDir("pool-guard-state-");

  beforeAll(async () => {
    synthGuard(dir, "10.244.0.0/16", 26);
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["apply", "-input=false", "-auto-approve", "-no-color"],
    ]) {
      const result = await terraform(dir, args);
      if (result.status !== 0) throw new Error(result.stderr || result.stdout);
    }
  });

  const plan = (cidr: string, blockSize: number) => {
    synthGuard(dir, cidr, blockSize);
    return terraform(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
  };

  it("plans no change while the pool stays", async () => {
    const result = await plan("10.244.0.0/16", 26);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it.each([
    ["a new CIDR", "10.250.0.0/16", 26],
    ["a new block size", "10.244.0.0/16", 24],
  ])("refuses %s while planning, naming the running pool", async (_name, cidr, blockSize) => {
    const result = await plan(cidr, blockSize);
    expect(result.status).toBe(1);
    const message = result.stderr.replace(/\s+/g, " ");
    expect(message).toContain("The cluster's Calico IP pool is 10.244.0.0/16 with /26 blocks");
    expect(message).toContain("Calico v3.32 refuses to change an IP pool's CIDR or block size");
  });

  it("lets a deliberate migration replace the record (the documented way past it)", async () => {
    synthGuard(dir, "10.250.0.0/16", 26);
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as SynthJson;
    const [name] = Object.keys(json.resource?.terraform_data ?? {});
    const result = await terraform(dir, [
      "plan",
      "-input=false",
      "-no-color",
      `-replace=terraform_data.${name}`,
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("will be replaced, as requested");
    // The new record holds the migrated pool.
    expect(result.stdout).toContain('"10.250.0.0/16"');
  });
});
