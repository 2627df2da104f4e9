/**
 * `writeModuleRoot` (test/terraform/support.ts), which `validateTogether` and `planTogether` run
 * Terraform in: stacks whose provider configurations are alike share one in the root, a
 * configuration per group of alike stacks, since each is a provider process of its own.
 */
import * as fs from "fs";
import * as path from "path";
import { scratchDir } from "../support/scratch";
import { type ModuleRoot, writeModuleRoot } from "./support";

const AWS = 'provider["registry.terraform.io/hashicorp/aws"]';

/** A stack folder with a `cdk.tf.json` of one bucket and these aws provider blocks. */
function stack(root: string, name: string, aws: Record<string, unknown>[]): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  const config = {
    terraform: { backend: { local: { path: "x" } } },
    provider: { aws },
    resource: { aws_s3_bucket: { bucket: { bucket: name } } },
  };
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(config));
  return dir;
}

describe("writeModuleRoot", () => {
  const seoul = (env: string) => ({ region: "ap-northeast-2", default_tags: [{ tags: { env } }] });
  const retrying = (env: string) => ({ ...seoul(env), max_retries: 5 });
  let root: string;
  let written: ModuleRoot;
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), "utf8"));

  beforeAll(() => {
    const stacks = scratchDir("platform-module-root-stacks-");
    const hcl = path.join(stacks, "hcl");
    fs.mkdirSync(hcl);
    fs.writeFileSync(path.join(hcl, "cdk.tf"), 'provider "aws" {}\n');
    root = scratchDir("platform-module-root-");
    const dirs = [
      stack(stacks, "a", [seoul("a")]),
      stack(stacks, "b", [retrying("b")]),
      stack(stacks, "c", [seoul("c")]),
      stack(stacks, "d", [retrying("d")]),
      stack(stacks, "lone", [{ region: "us-gov-west-1" }]),
      stack(stacks, "aliased", [seoul("e"), { ...seoul("f"), alias: "second" }]),
      hcl,
    ];
    // Alike: the same arguments, whatever their values.
    written = writeModuleRoot(root, dirs, {
      alike: (p) => JSON.stringify(Object.keys((p as { aws: object[] }).aws[0]).sort()),
    });
  });

  it("writes one provider configuration per group of alike stacks, the first the default one", () => {
    expect(fs.readdirSync(root).filter((f) => f.startsWith("provider-"))).toEqual([
      "provider-g0.tf.json",
      "provider-g1.tf.json",
    ]);
    expect(read("provider-g0.tf.json")).toEqual({ provider: { aws: [seoul("a")] } });
    expect(read("provider-g1.tf.json")).toEqual({
      provider: { aws: [{ ...retrying("b"), alias: "g1" }] },
    });
  });

  it("gives the stacks of an aliased group that configuration, and takes theirs away", () => {
    expect(read("main.tf.json").module).toEqual({
      s0: { source: "./s0" },
      s1: { source: "./s1", providers: { aws: "aws.g1" } },
      s2: { source: "./s2" },
      s3: { source: "./s3", providers: { aws: "aws.g1" } },
      s4: { source: "./s4" },
      s5: { source: "./s5" },
      s6: { source: "./s6" },
    });
    for (const i of [0, 1, 2, 3]) expect(read(`s${i}/cdk.tf.json`)).not.toHaveProperty("provider");
  });

  it("leaves a stack alike no other, one with aliases and an HCL stack their own", () => {
    expect(read("s4/cdk.tf.json").provider).toEqual({ aws: [{ region: "us-gov-west-1" }] });
    expect(read("s5/cdk.tf.json").provider.aws).toHaveLength(2);
    expect(fs.readFileSync(path.join(root, "s6", "cdk.tf"), "utf8")).toBe('provider "aws" {}\n');
  });

  it("takes the backend away: only a root may have one", () => {
    expect(read("s0/cdk.tf.json").terraform).toEqual({});
  });

  it("says which files are each stack's, for its diagnostics", () => {
    expect(written.files).toEqual([
      ["s0/", "provider-g0.tf.json"],
      ["s1/", "provider-g1.tf.json"],
      ["s2/", "provider-g0.tf.json"],
      ["s3/", "provider-g1.tf.json"],
      ["s4/"],
      ["s5/"],
      ["s6/"],
    ]);
  });

  it("says where each stack's provider configuration is, for its prior state", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => written.providerAddress(i, AWS))).toEqual([
      AWS,
      `${AWS}.g1`,
      AWS,
      `${AWS}.g1`,
      `module.s4.${AWS}`,
      `module.s5.${AWS}`,
      `module.s6.${AWS}`,
    ]);
  });
});
