/**
 * `npm run plan` and `npm run diff` at an operator's command line: help, promotion order,
 * progress that says what the summary says, what to do without credentials, offline runs in a
 * folder of their own, and a new environment's platform stack waiting for its infra.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, run } from "../../scripts/plan/cli";
import { diffCommand } from "../../scripts/plan/diff-command";
import { missingRemoteOutput, planText, type StackPlanResult } from "../../scripts/plan/runner";
import { defaultJobs, planInOrder } from "../../scripts/plan/schedule";
import { EMPTY_STACK_CONFIG } from "../../scripts/plan/stack-config";
import {
  buildSummary,
  EXIT_NO_CHANGES,
  exitStatus,
  type PlanSummary,
} from "../../scripts/plan/summary";
import { runTerraform } from "../../scripts/lib/terraform";
import type { ManifestStack } from "../../scripts/plan/manifest";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { synthEnvironments } from "../support/app";
import { describeWithTerraform } from "../support/terraform-available";
import { scriptCommand } from "../support/script";

const ROOT = path.resolve(__dirname, "../..");

// No credentials reach the plans this file runs, whatever the machine has.
for (const key of [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
])
  delete process.env[key];
Object.assign(process.env, {
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
});

/** scripts/<script>, what `npm run` runs (see scriptCommand for the launcher). */
function cli(script: string, args: string[]) {
  const [command, commandArgs] = scriptCommand(`scripts/${script}`, args);
  return spawnSync(command, commandArgs, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("--help", () => {
  const sections = ["options:", "-h, --help", "examples:", "exit status:"];

  it("npm run plan prints usage, options, examples and exit statuses, and exits 0", async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const logs: string[] = [];
    const code = await run(["--help"], (line) => logs.push(line)).finally(() => spy.mockRestore());
    const text = written.join("");
    expect(code).toBe(0);
    expect(text.startsWith("usage: npm run plan [-- <stack> ...] [options]\n")).toBe(true);
    for (const part of [...sections, "--fail-on-protected-destroy", "--offline", "--jobs <n>"]) {
      expect(text).toContain(part);
    }
    expect(logs).toEqual([]);
  });

  it("npm run diff prints its own, and exits 0", () => {
    const result = cli("diff.ts", ["--help"]);
    expect(result.status).toBe(0);
    expect(
      result.stdout.startsWith("usage: npm run diff -- <stack> [--offline] [cdktf diff options]\n"),
    ).toBe(true);
    for (const part of [...sections, "--offline"]) expect(result.stdout).toContain(part);
    expect(result.stderr).toBe("");
  });

  it("answers an unknown option with the usage", () => {
    expect(() => parseArgs(["--frobnicate"], {})).toThrow(
      "unknown option --frobnicate\nusage: npm run plan [-- <stack> ...] [options] (--help: more)",
    );
  });
});

describe("offline and online runs", () => {
  it("never share a synth output folder, so their backends never meet", () => {
    const env = {};
    expect(path.basename(parseArgs(["--offline"], env).outdir)).toBe("cdktf.out.offline");
    expect(path.basename(parseArgs(["--offline"], { PLATFORM_OFFLINE: "1" }).outdir)).toBe(
      "cdktf.out.offline",
    );
    expect(path.basename(parseArgs([], env).outdir)).toBe("cdktf.out");
    expect(diffCommand(["dev-infra"], { PLATFORM_OFFLINE: "1" }).args).toEqual([
      "cdktf",
      "diff",
      "--skip-provider-lock",
      "--output",
      "cdktf.out.offline",
      "dev-infra",
    ]);
    const offline = diffCommand(["dev-infra", "--offline"], {});
    expect(offline.args).toContain("cdktf.out.offline");
    expect(offline.env.PLATFORM_OFFLINE).toBe("1");
    expect(diffCommand(["dev-infra"], {}).args).toEqual([
      "cdktf",
      "diff",
      "--output",
      "cdktf.out",
      "dev-infra",
    ]);
    // An explicit folder is the operator's choice.
    expect(
      diffCommand(["dev-infra", "--output", "x"], { PLATFORM_OFFLINE: "1" }).args,
    ).not.toContain("cdktf.out.offline");
  });
});

describe("jobs", () => {
  it("is one more than the cores, as many as free memory holds, at most 4, at least one", () => {
    expect(defaultJobs(16_000, 2)).toBe(3);
    expect(defaultJobs(1_500, 8)).toBe(1);
    expect(defaultJobs(2_000, 2)).toBe(2);
    expect(defaultJobs(300, 2)).toBe(1);
    expect(defaultJobs(64_000, 32)).toBe(4);
  });
});

describe("the text plan", () => {
  it("is terraform plan's output without the refresh progress, as terraform show prints it", () => {
    const stdout = [
      "data.aws_caller_identity.current: Reading...",
      "aws_vpc.main: Refreshing state... [id=vpc-0123]",
      "data.aws_caller_identity.current: Read complete after 0s [id=111111111111]",
      "",
      "Terraform used the selected providers to generate the following execution",
      "plan. Resource actions are indicated with the following symbols:",
      "  ~ update in-place",
      "",
      "Plan: 0 to add, 1 to change, 0 to destroy.",
      "",
      "─────────────────────────────────────────────────────────────────────────────",
      "",
      "Saved the plan to: plan.tfplan",
      "",
    ].join("\n");
    expect(planText(stdout)).toBe(
      [
        "Terraform used the selected providers to generate the following execution",
        "plan. Resource actions are indicated with the following symbols:",
        "  ~ update in-place",
        "",
        "Plan: 0 to add, 1 to change, 0 to destroy.",
        "",
      ].join("\n"),
    );
  });
});

const stack = (name: string, ...dependencies: string[]): ManifestStack => ({
  name,
  dependencies,
  workingDirectory: `/nowhere/${name}`,
  synthesizedStackPath: `/nowhere/${name}/cdk.tf.json`,
  annotations: [],
});

const result = (s: ManifestStack, overrides: Partial<StackPlanResult> = {}): StackPlanResult => ({
  name: s.name,
  status: "planned",
  dependencies: s.dependencies,
  config: EMPTY_STACK_CONFIG,
  planJson: {
    resource_changes: [],
    prior_state: { values: { root_module: { resources: [{}] } } },
  },
  ...overrides,
});

const EMPTY_STATE_PLAN = { resource_changes: [], prior_state: { values: {} } };

describe("planInOrder", () => {
  const quiet = { offline: false, log: () => undefined, usesAws: () => true };

  it("runs independent stacks side by side, at most `jobs` at once, and keeps the given order", async () => {
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const stacks = [
      stack("dev-infra"),
      stack("dev-platform", "dev-infra"),
      stack("staging-infra"),
      stack("prod-infra"),
    ];
    const results = await planInOrder(stacks, { ...quiet, jobs: 2 }, async (s) => {
      started.push(s.name);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, s.name === "dev-infra" ? 30 : 5));
      running -= 1;
      return result(s);
    });
    expect(most).toBe(2);
    // dev-platform waits for dev-infra; the others do not wait for dev-platform.
    expect(started.indexOf("dev-platform")).toBeGreaterThan(started.indexOf("staging-infra"));
    expect(results.map((r) => r.name)).toEqual(stacks.map((s) => s.name));
  });

  it("starts the heaviest ready stack first, counting the stacks waiting on it", async () => {
    const started: string[] = [];
    const stacks = [
      stack("dev-bootstrap"),
      stack("dev-infra"),
      stack("dev-platform", "dev-infra"),
      stack("prod-bootstrap"),
    ];
    const weights: Record<string, number> = {
      "dev-bootstrap": 8,
      "dev-infra": 88,
      "dev-platform": 30,
      "prod-bootstrap": 9,
    };
    const results = await planInOrder(
      stacks,
      { ...quiet, jobs: 1, weight: (s) => weights[s.name] },
      async (s) => {
        started.push(s.name);
        return result(s);
      },
    );
    expect(started).toEqual(["dev-infra", "dev-platform", "prod-bootstrap", "dev-bootstrap"]);
    expect(results.map((r) => r.name)).toEqual(stacks.map((s) => s.name));
  });

  it("reports a new environment's platform stack as waiting for its infra, without failing online", async () => {
    const infra = stack("qa-infra");
    const platform = stack("qa-platform", "qa-infra");
    const results = await planInOrder([infra, platform], { ...quiet, jobs: 2 }, async (s) =>
      s === infra
        ? result(s, { planJson: EMPTY_STATE_PLAN })
        : result(s, {
            status: "failed",
            reason:
              'terraform plan failed: Unsupported attribute: This object does not have an attribute named "cross-stack-output-x".',
            planJson: undefined,
            missingRemoteState: { output: "cross-stack-output-x" },
          }),
    );
    expect(results[1]).toMatchObject({
      status: "not-planned",
      afterApplyOf: "qa-infra",
      reason:
        "qa-infra has no state yet (a new environment): qa-platform is planned once qa-infra applies",
    });
    const summary = buildSummary(results, { offline: false });
    expect(
      exitStatus(summary, { offline: false, failOnDestroy: false, failOnProtectedDestroy: false }),
    ).toEqual({ code: EXIT_NO_CHANGES });
  });

  it("waits for an output the infra plan adds, and fails when nothing explains the missing output", async () => {
    const infra = stack("dev-infra");
    const platform = stack("dev-platform", "dev-infra");
    const missing = result(platform, {
      status: "failed",
      reason: "terraform plan failed: Unsupported attribute",
      planJson: undefined,
      missingRemoteState: { output: "cross-stack-output-new" },
    });
    const adds = {
      resource_changes: [],
      output_changes: { "cross-stack-output-new": { actions: ["create"] } },
      prior_state: { values: { root_module: { resources: [{}] } } },
    };
    const [, waits] = await planInOrder([infra, platform], { ...quiet, jobs: 1 }, async (s) =>
      s === infra ? result(s, { planJson: adds }) : missing,
    );
    expect(waits).toMatchObject({ status: "not-planned", afterApplyOf: "dev-infra" });
    expect(waits.reason).toContain("it reads output cross-stack-output-new, which dev-infra adds");
    const [, fails] = await planInOrder([infra, platform], { ...quiet, jobs: 1 }, async (s) =>
      s === infra ? result(s) : missing,
    );
    expect(fails.status).toBe("failed");
  });

  it("stops asking for AWS after the first stack finds no credentials, and says what to do", async () => {
    const calls: string[] = [];
    const stacks = [stack("dev-infra"), stack("staging-infra"), stack("onprem-platform")];
    const results = await planInOrder(
      stacks,
      { ...quiet, jobs: 1, usesAws: (s) => s.name !== "onprem-platform" },
      async (s) => {
        calls.push(s.name);
        return result(s, {
          status: "failed",
          reason: "terraform init failed: No valid credential sources found",
          noCredentials: true,
        });
      },
    );
    expect(calls).toEqual(["dev-infra", "onprem-platform"]);
    expect(results[0].reason).toMatch(
      /^no AWS credentials: .* npm run plan -- --offline \(terraform init failed/,
    );
    expect(results[1]).toMatchObject({ status: "not-planned" });
    expect(results[1].reason).toContain("not attempted: no AWS credentials");
  });
});

describeWithTerraform("Terraform's error for a stack reading outputs a state does not have", () => {
  let dir: string;
  const stateFile = () => path.join(dir, "terraform.qa-infra.tfstate");
  const plan = () => {
    expect(runTerraform(dir, ["init", "-input=false", "-no-color"]).status).toBe(0);
    const result = runTerraform(dir, ["plan", "-input=false", "-no-color"]);
    expect(result.status).not.toBe(0);
    return missingRemoteOutput(result.stderr);
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "remote-state-"));
    fs.writeFileSync(
      path.join(dir, "main.tf.json"),
      JSON.stringify({
        data: {
          terraform_remote_state: {
            "cross-stack-reference-input-qa-infra": {
              backend: "local",
              config: { path: stateFile() },
            },
          },
        },
        output: {
          endpoint: {
            value:
              "${data.terraform_remote_state.cross-stack-reference-input-qa-infra.outputs.cross-stack-output-endpoint}",
          },
        },
      }),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is recognized when the state does not exist yet", () => {
    expect(plan()).toEqual({});
  });

  it("is recognized, with the output it names, when the state lacks the output", () => {
    fs.writeFileSync(
      stateFile(),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.4",
        serial: 1,
        lineage: "x",
        outputs: {},
        resources: [],
      }),
    );
    expect(plan()).toEqual({ output: "cross-stack-output-endpoint" });
  });
});

describeWithTerraform("npm run plan over the shipped environments", () => {
  const logs: string[] = [];
  let summary: PlanSummary;
  let offlineExit: number;
  let outdir: string;

  beforeAll(async () => {
    outdir = synthEnvironments(
      shippedEnvironmentFiles().map((f) => f.input),
      { offline: true },
    ).outdir;
    // Manifest order is by name (dev, prod, staging); the platform stacks need no provider
    // offline, so this is quick.
    offlineExit = await run(
      [
        "prod-platform",
        "staging-platform",
        "dev-platform",
        "--offline",
        "--no-synth",
        "--outdir",
        outdir,
      ],
      (line) => logs.push(line),
    );
    summary = JSON.parse(
      fs.readFileSync(path.join(outdir, "plan", "summary.json"), "utf8"),
    ) as PlanSummary;
  }, 120_000);

  it("plans and reports in promotion order, not the manifest's", () => {
    expect(summary.stacks.map((s) => s.name)).toEqual([
      "dev-platform",
      "staging-platform",
      "prod-platform",
    ]);
    const recap = logs.filter((l) => /^\w+-platform: /.test(l)).map((l) => l.split(":")[0]);
    expect(recap).toEqual(["dev-platform", "staging-platform", "prod-platform"]);
  });

  it("says in progress what the summary says: not planned offline, and the run passes", () => {
    expect(summary.stacks.every((s) => s.status === "not-planned")).toBe(true);
    expect(logs.filter((l) => l.includes("FAILED"))).toEqual([]);
    for (const name of ["dev-platform", "staging-platform", "prod-platform"]) {
      expect(logs).toContainEqual(
        expect.stringMatching(new RegExp(`^\\[\\d/3\\] ${name}: not planned: `)),
      );
    }
    expect(offlineExit).toBe(0);
  });

  it("without credentials, names the cause and what to do, --offline included", async () => {
    const online = synthEnvironments(
      shippedEnvironmentFiles()
        .filter((f) => f.environment.name === "dev")
        .map((f) => f.input),
      { offline: false },
    ).outdir;
    const lines: string[] = [];
    const code = await run(["dev-infra", "--no-synth", "--outdir", online], (line) =>
      lines.push(line),
    );
    expect(code).toBe(1);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\[1\/1\] dev-infra: FAILED: no AWS credentials: sign in .* npm run plan -- --offline/,
      ),
    );
    expect(lines).toContain(
      "no AWS credentials: sign in (`aws sso login`, or set AWS_PROFILE to a configured profile) and run again, or plan without an AWS account: npm run plan -- --offline",
    );
  }, 120_000);
});
