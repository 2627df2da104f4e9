/**
 * `npm run plan` end to end on the shipped dev environment, offline with the mirrored aws
 * provider: its VPC CIDR changed while its state holds the network created from the old CIDR
 * (a state written here from the old synthesized configuration; nothing is applied). Its state
 * settings also name the legacy lock table, so the bootstrap stack, planned from empty state,
 * has every resource BootstrapStack makes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { run } from "../../scripts/plan/cli";
import { readStackConfig } from "../../scripts/plan/stack-config";
import { EXIT_CHANGES } from "../../scripts/plan/summary";
import type { PlanSummary } from "../../scripts/plan/summary";
import { buildApp } from "../../stacks/app";
import type { EnvironmentInput } from "../../stacks/environment/schema";
import { parseEnvironments } from "../../stacks/environment/validate";
import { findEnvironmentFile } from "../../stacks/environments";
import type { SynthJson } from "../support/synth";
import { describeWithTerraform } from "../support/terraform-available";
import { stateFile, subnetInstance, vpcInstance } from "./fixtures";

const MAX_CHARS = 20_000;

function synth(outdir: string, environment: EnvironmentInput): void {
  const app = new App({ outdir });
  buildApp(app, parseEnvironments([environment]), { offline: true });
  app.synth();
}

const readStack = (outdir: string, stack: string) =>
  JSON.parse(
    fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"),
  ) as SynthJson;

/** The state of `config`'s VPC and subnets as if applied: the rest of the stack does not exist yet. */
function networkState(config: SynthJson): Record<string, unknown> {
  const [provider] = (config.provider?.aws ?? []) as { default_tags?: { tags: object }[] }[];
  const defaultTags = (provider.default_tags?.[0]?.tags ?? {}) as Record<string, string>;
  const tagsOf = (body: Record<string, unknown>) => (body.tags ?? {}) as Record<string, string>;
  const [[vpcName, vpc]] = Object.entries(config.resource?.aws_vpc ?? {});
  const vpcId = "vpc-0a1b2c3d4e5f60718";
  return stateFile([
    vpcInstance(vpcName, {
      id: vpcId,
      cidr: String(vpc.cidr_block),
      tags: tagsOf(vpc),
      tagsAll: { ...defaultTags, ...tagsOf(vpc) },
    }),
    ...Object.entries(config.resource?.aws_subnet ?? {}).map(([name, subnet], i) =>
      subnetInstance(name, {
        id: `subnet-0a1b2c3d4e5f6071${i}`,
        vpcId,
        cidr: String(subnet.cidr_block),
        zone: String(subnet.availability_zone),
        mapPublicIp: subnet.map_public_ip_on_launch === true,
        tags: tagsOf(subnet),
        tagsAll: { ...defaultTags, ...tagsOf(subnet) },
      }),
    ),
  ]);
}

describeWithTerraform("npm run plan: dev with its VPC CIDR changed over existing state", () => {
  let root: string;
  let outdir: string;
  let exitCode: number;
  let md: string;
  let summary: PlanSummary;
  const logs: string[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-dev-"));
    const dev = findEnvironmentFile("dev").input;
    if (dev.platform !== "eks") throw new Error("the dev environment is expected on EKS");
    expect(dev.aws.vpcCidr).toBe("10.10.0.0/16");
    const before = path.join(root, "before");
    synth(before, dev);
    // The local backend keeps state three levels above the stack directory: next to `outdir`.
    outdir = path.join(root, "cdktf.out");
    fs.writeFileSync(
      path.join(root, "terraform.dev-infra.tfstate"),
      JSON.stringify(networkState(readStack(before, "dev-infra"))),
    );
    expect(dev.state?.dynamodbTable).toBeUndefined();
    synth(outdir, {
      ...dev,
      aws: { ...dev.aws, vpcCidr: "10.11.0.0/16" },
      state: { ...dev.state!, dynamodbTable: "terraform-locks" },
    });
    exitCode = await run(
      [
        "dev-platform",
        "dev-infra",
        "dev-bootstrap",
        "--offline",
        "--no-synth",
        "--outdir",
        outdir,
        "--max-chars",
        String(MAX_CHARS),
      ],
      (line) => logs.push(line),
    );
    md = fs.readFileSync(path.join(outdir, "plan", "summary.md"), "utf8");
    summary = JSON.parse(
      fs.readFileSync(path.join(outdir, "plan", "summary.json"), "utf8"),
    ) as PlanSummary;
  }, 300_000);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("opens with a warning naming the replaced VPC and its CIDR, before → after", () => {
    expect(md.split("\n")[0]).toBe(
      "## ⚠ Destructive plan: 7 replaced, 0 destroyed — `dev-infra/vpc/vpc` REPLACED: `cidr_block: 10.10.0.0/16 → 10.11.0.0/16`",
    );
    expect(exitCode).toBe(EXIT_CHANGES);
  });

  it("says the plan was made offline, and which stack against empty state", () => {
    expect(md).toContain("> Planned **offline**: fake credentials, local state, no refresh.");
    expect(md).toContain(
      "> Planned against **empty state** (every resource shows as a create): dev-bootstrap.",
    );
  });

  it("says in its progress what the summary says of each stack", () => {
    // Offline, the helm and kubernetes providers cannot be installed: not planned, not a failure.
    expect(logs.filter((l) => l.includes("FAILED"))).toEqual([]);
    expect(logs).toContainEqual(expect.stringMatching(/^\[3\/3\] dev-platform: not planned: /));
    expect(logs).toContainEqual(expect.stringMatching(/^dev-platform: not planned: /));
    expect(logs).toContainEqual(expect.stringMatching(/^dev-infra: planned \+\d+ ~0 ±7 -0$/));
  });

  it("keeps promotion order whatever order the stacks are asked in", () => {
    expect(summary.stacks.map((s) => [s.name, s.status])).toEqual([
      ["dev-bootstrap", "planned"],
      ["dev-infra", "planned"],
      ["dev-platform", "not-planned"],
    ]);
    const row = (stack: string) => md.indexOf(`| \`${stack}\` |`);
    expect(row("dev-bootstrap")).toBeLessThan(row("dev-infra"));
    expect(row("dev-infra")).toBeLessThan(row("dev-platform"));
    expect(md).toMatch(/\| `dev-infra` \| ⚠ replaces 7 \/ destroys 0 \| \d+ \| 0 \| 7 \| 0 \|/);
  });

  it("plans the bootstrap stack from empty state: every resource a create, nothing destructive", () => {
    const [bootstrap] = summary.stacks;
    expect(bootstrap.name).toBe("dev-bootstrap");
    expect(bootstrap.counts).toEqual({ create: 10, update: 0, delete: 0, replace: 0 });
    // What the plan reads as protected from destroy in the stack's configuration.
    const config = readStackConfig(path.join(outdir, "stacks", "dev-bootstrap", "cdk.tf.json"));
    expect([...config.preventDestroy].sort()).toEqual([
      "aws_dynamodb_table.lock-table",
      "aws_iam_service_linked_role.spot-service-linked-role",
      "aws_kms_key.state-key_753BFC90",
      "aws_s3_bucket.state-bucket",
    ]);
  });

  it("names every replaced subnet by its construct path, with its new range", () => {
    const infra = summary.stacks[1];
    const subnets = infra.destructive.filter((e) => e.type === "aws_subnet");
    expect(subnets).toHaveLength(6);
    for (const subnet of subnets) {
      expect(subnet.name).toMatch(/^dev-infra\/vpc\/(public|private|intra)-ap-northeast-2[ac]$/);
      expect(subnet.attributes).toContainEqual({
        path: "cidr_block",
        before: expect.stringMatching(/^10\.10\./),
        after: expect.stringMatching(/^10\.11\./),
      });
    }
    // No cdktf hash suffix reaches the reader.
    expect(md).not.toMatch(/`aws_subnet\.[^`]*_[0-9A-F]{8}`/);
  });

  it("groups the creates by type and totals them", () => {
    const infra = summary.stacks[1];
    expect(infra.creates).toContainEqual({ type: "aws_route_table_association", count: 6 });
    expect(infra.creates.reduce((n, c) => n + c.count, 0)).toBe(infra.counts.create);
    expect(summary.totals.create).toBe(summary.stacks.reduce((n, s) => n + s.counts.create, 0));
  });

  it("fits the budget, cutting the text plans and pointing at the files that hold them whole", () => {
    expect(md.length).toBeLessThanOrEqual(MAX_CHARS);
    const infraText = fs.readFileSync(path.join(outdir, "plan", "dev-infra.txt"), "utf8");
    expect(infraText.length).toBeGreaterThan(MAX_CHARS);
    const [vpc] = Object.keys(readStack(outdir, "dev-infra").resource?.aws_vpc ?? {});
    expect(infraText).toContain(`# aws_vpc.${vpc} must be replaced`);
    expect(fs.existsSync(path.join(outdir, "plan", "dev-bootstrap.txt"))).toBe(true);
    expect(md).toMatch(
      /the whole plan is `[^`]*plan\/dev-infra\.txt` \(in the run's plan artifact\)/,
    );
  });
});
