/**
 * The deploy applies the plan that was approved, and nothing else: deploy-stacks.yml's own steps
 * (pack the saved plan in the plan job, unpack the downloaded artifact and `npm run apply` in the
 * apply job) run by bash with the real Terraform CLI, over a stack of `terraform_data` resources
 * with local state. The plan comes from `npm run plan`'s own code (planStack).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runTerraform } from "../../scripts/lib/terraform";
import { planStack } from "../../scripts/plan/runner";
import { describeWithTerraform } from "../support/terraform-available";
import { loadWorkflow, runShell, type Step } from "./workflow-runs";

const ROOT = path.resolve(__dirname, "../..");
const STACK = "demo";
const wf = loadWorkflow("deploy-stacks.yml");
const stepNamed = (job: string, name: string) =>
  wf.jobs[job].steps?.find((s) => s.name === name) as Step;

describeWithTerraform("deploy-stacks.yml applies exactly the approved, saved plan", () => {
  let tmp: string;
  const planOut = () => path.join(tmp, "plan-job", "cdktf.out");
  const applyOut = () => path.join(tmp, "apply-job", "cdktf.out");
  const stateFile = () => path.join(tmp, "state", `${STACK}.tfstate`);
  const stackDir = (out: string) => path.join(out, "stacks", STACK);

  /** The synthesized stack as cdktf writes it: one terraform_data, an asset, local state. */
  function synthesize(out: string, value: string): void {
    fs.mkdirSync(path.join(stackDir(out), "assets"), { recursive: true });
    fs.writeFileSync(path.join(stackDir(out), "assets", "chart.txt"), "an asset");
    fs.writeFileSync(
      path.join(stackDir(out), "cdk.tf.json"),
      JSON.stringify({
        terraform: { backend: { local: { path: stateFile() } } },
        resource: { terraform_data: { release: { input: value } } },
      }),
    );
    fs.writeFileSync(
      path.join(out, "manifest.json"),
      JSON.stringify({
        version: "0.21.0",
        stacks: {
          [STACK]: {
            name: STACK,
            constructPath: STACK,
            workingDirectory: `stacks/${STACK}`,
            synthesizedStackPath: `stacks/${STACK}/cdk.tf.json`,
            annotations: [],
            dependencies: [],
          },
        },
      }),
    );
    fs.mkdirSync(path.join(out, "plan"), { recursive: true });
    fs.writeFileSync(path.join(out, "plan", "summary.md"), `plan of ${value}`);
  }

  /** The plan job: `npm run plan`'s planning of the stack, then the workflow's pack step. */
  async function planJob(value: string): Promise<string> {
    fs.rmSync(planOut(), { recursive: true, force: true });
    synthesize(planOut(), value);
    // What init leaves beside the configuration: the provider lock file (kept, it pins the
    // providers the apply installs) and .terraform, the installed providers (left behind).
    fs.writeFileSync(path.join(stackDir(planOut()), ".terraform.lock.hcl"), "");
    fs.mkdirSync(path.join(stackDir(planOut()), ".terraform", "providers"), { recursive: true });
    fs.writeFileSync(path.join(stackDir(planOut()), ".terraform", "providers", "big"), "x");
    const planned = await planStack(
      {
        name: STACK,
        dependencies: [],
        workingDirectory: stackDir(planOut()),
        synthesizedStackPath: path.join(stackDir(planOut()), "cdk.tf.json"),
      },
      { offline: false, progress: "[1/1]", log: () => undefined },
    );
    expect(planned).toMatchObject({ status: "planned" });
    const runnerTemp = fs.mkdtempSync(path.join(tmp, "runner-plan-"));
    const pack = runShell(String(stepNamed("plan", "Pack the saved plan").run), {
      cwd: ROOT,
      env: { CDKTF_OUTDIR: planOut(), STACK, RUNNER_TEMP: runnerTemp },
    });
    expect(pack).toMatchObject({ status: 0 });
    return runnerTemp;
  }

  /**
   * The artifact's way to the apply job (download-artifact puts it under the step's `path`),
   * then the apply job's unpack and apply steps, in a workspace of their own.
   */
  function applyJob(planRunnerTemp: string, tamper?: (out: string) => void) {
    fs.rmSync(path.join(tmp, "apply-job"), { recursive: true, force: true });
    const runnerTemp = fs.mkdtempSync(path.join(tmp, "runner-apply-"));
    const downloaded = path.join(runnerTemp, "saved-plan", `saved-plan-${STACK}`);
    fs.mkdirSync(downloaded, { recursive: true });
    fs.copyFileSync(
      path.join(planRunnerTemp, "saved-plan", "saved-plan.tar"),
      path.join(downloaded, "saved-plan.tar"),
    );
    const env = { CDKTF_OUTDIR: applyOut(), STACK, RUNNER_TEMP: runnerTemp };
    const unpack = runShell(String(stepNamed("apply", "Unpack the approved plan").run), {
      cwd: ROOT,
      env,
    });
    expect(unpack).toMatchObject({ status: 0 });
    tamper?.(applyOut());
    return runShell(String(stepNamed("apply", "Apply the approved plan").run), { cwd: ROOT, env });
  }

  const stateValue = () =>
    (
      JSON.parse(fs.readFileSync(stateFile(), "utf8")) as {
        resources: { instances: { attributes: { input: { value: string } } }[] }[];
      }
    ).resources[0].instances[0].attributes.input.value;
  const result = () => fs.readFileSync(path.join(applyOut(), "apply", "result.md"), "utf8");

  /** The plan job's artifact of the first plan (v1), applied by the tests below in turn. */
  let firstPlan: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "saved-plan-"));
    fs.mkdirSync(path.join(tmp, "state"));
    firstPlan = await planJob("v1");
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("packs the plan file with the stack's configuration, assets and provider lock, not .terraform", () => {
    const listing = runShell(`tar -tf "${path.join(firstPlan, "saved-plan", "saved-plan.tar")}"`);
    const files = listing.stdout.split("\n").filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        "manifest.json",
        `stacks/${STACK}/cdk.tf.json`,
        `stacks/${STACK}/plan.tfplan`,
        `stacks/${STACK}/.terraform.lock.hcl`,
        `stacks/${STACK}/assets/chart.txt`,
        "plan/summary.md",
      ]),
    );
    expect(files.filter((f) => f.includes(".terraform/"))).toEqual([]);
  });

  it("applies the saved plan, not the configuration it finds: what was approved is what changes", () => {
    const applied = applyJob(firstPlan, (out) => {
      // A configuration changed after approval is not what gets applied.
      const file = path.join(stackDir(out), "cdk.tf.json");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"v1"', '"tampered"'));
    });
    expect(applied.status).toBe(0);
    expect(stateValue()).toBe("v1");
    expect(result()).toBe(`- \`${STACK}\`: ✅ applied (1 added, 0 changed, 0 destroyed)\n`);
  });

  it("refuses a plan made before the state last changed, says why and what to do, and applies nothing", async () => {
    const runnerTemp = await planJob("v2");
    // Another apply lands between the plan and its approval.
    synthesize(planOut(), "v3");
    expect(
      runTerraform(stackDir(planOut()), ["apply", "-auto-approve", "-input=false", "-no-color"]),
    ).toMatchObject({ status: 0 });
    const refused = applyJob(runnerTemp);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(
      `${STACK}: stale: the plan is stale: the stack's state changed after it was planned`,
    );
    expect(stateValue()).toBe("v3");
    expect(result()).toMatch(
      /^- `demo`: ⛔ not applied: stale plan: `the plan is stale: .* Run the deploy again: it plans afresh, and the new plan is what gets approved`\n$/,
    );
  });

  it("refuses an artifact without a saved plan", async () => {
    const runnerTemp = await planJob("v4");
    const refused = applyJob(runnerTemp, (out) =>
      fs.rmSync(path.join(stackDir(out), "plan.tfplan")),
    );
    expect(refused.status).toBe(1);
    expect(result()).toContain("no saved plan (plan.tfplan)");
    expect(stateValue()).toBe("v3");
  });
});
