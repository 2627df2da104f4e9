/**
 * "Add an environment" (docs/environments.md) as a user follows it: staging's file copied to
 * qa.yaml with its name, place in the promotion order, account, region, ranges and runner labels
 * changed (and VXLAN, the mode of the issue's example) is the whole change. In a copy of the
 * environments folder (PLATFORM_ENVIRONMENTS_DIR points the app and the scripts at it),
 * `npx cdktf synth` emits qa's stacks, and the workflows' environment list plans qa on pull
 * requests and deploys it from main.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploySequence } from "../../stacks/app";
import { loadEnvironmentFiles } from "../../stacks/environment/load";
import { ENVIRONMENTS_DIR_VARIABLE, shippedEnvironmentFiles } from "../../stacks/environments";
import { edited, environmentsFolder, shippedEnvironmentTexts } from "../support/environment-files";
import { stackDir } from "../support/app";
import type { SynthJson } from "../support/synth";
import { condition, interpolate } from "../workflows/expressions";
import {
  deployCalls,
  jobRuns,
  listedEnvironments,
  loadWorkflow,
  runContexts,
  stepUsing,
} from "../workflows/workflow-runs";

const ROOT = path.resolve(__dirname, "../..");

/** What the user changes in the copy: every line of staging's that names or places staging. */
const QA_EDITS: [string, string][] = [
  ["name: staging-platform", "name: qa-platform"],
  ["name: staging\n", "name: qa\n"],
  ["promotion: 20", "promotion: 25"],
  ["mode: ipip-cross-subnet", "mode: vxlan"],
  // The account ID, in accountId, the admin ARNs and the state bucket's name.
  ["222222222222", "444444444444"],
  // The region, in aws.region, the zones and state.region.
  ["ap-northeast-2", "us-west-2"],
  ["vpcCidr: 10.20.0.0/16", "vpcCidr: 10.40.0.0/16"],
  ["alias/staging/tfstate", "alias/qa/tfstate"],
  // Its own runners: a plan runner must carry a label no deploy runner has.
  ["staging-plan", "qa-plan"],
  ["staging-deploy", "qa-deploy"],
];

let work: string;
let environments: string;
let synth: { status: number | null; output: string };

beforeAll(() => {
  environments = environmentsFolder({
    "qa.yaml": edited(shippedEnvironmentTexts()["staging.yaml"], QA_EDITS),
  });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "add-qa-"));
  const result = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "cdktf"),
    ["synth", "--output", path.join(work, "cdktf.out")],
    {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", [ENVIRONMENTS_DIR_VARIABLE]: environments },
      encoding: "utf8",
    },
  );
  synth = { status: result.status, output: `${result.stdout}${result.stderr}` };
});

afterAll(() => {
  fs.rmSync(environments, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const stackJson = (stack: string) =>
  JSON.parse(
    fs.readFileSync(
      path.join(stackDir(path.join(work, "cdktf.out"), stack), "cdk.tf.json"),
      "utf8",
    ),
  ) as SynthJson & {
    provider?: { aws?: { region: string; allowed_account_ids: string[] }[] };
  };

/** The EKS environments of the copied folder in promotion order: qa (25) among the shipped ones. */
const eksWithQa = () =>
  loadEnvironmentFiles(environments)
    .filter((f) => f.environment.platform === "eks")
    .map((f) => f.environment.name);

describe("a copy of staging's file as qa.yaml", () => {
  it("is synthesized by npx cdktf synth into qa's stacks, beside every shipped one", () => {
    expect(synth).toMatchObject({ status: 0 });
    const emitted = fs.readdirSync(path.join(work, "cdktf.out", "stacks"));
    expect(emitted).toEqual(
      expect.arrayContaining([
        "qa-bootstrap",
        "qa-infra",
        "qa-platform",
        ...shippedEnvironmentFiles().flatMap((f) => deploySequence(f.environment)),
      ]),
    );
  });

  it("deploys to qa's account and region, with its state in qa's bucket", () => {
    const infra = stackJson("qa-infra");
    for (const provider of infra.provider?.aws ?? []) {
      expect(provider).toMatchObject({
        region: "us-west-2",
        allowed_account_ids: ["444444444444"],
      });
    }
    expect(infra.provider?.aws?.length).toBeGreaterThan(0);
    expect(infra.terraform?.backend).toMatchObject({
      s3: {
        bucket: "platform-tfstate-444444444444",
        region: "us-west-2",
        key: "qa/qa-infra.tfstate",
        kms_key_id: "alias/qa/tfstate",
      },
    });
  });

  describe("in the workflows' environment list", () => {
    let outputs: ReturnType<typeof listedEnvironments>;
    beforeAll(() => {
      outputs = listedEnvironments({ [ENVIRONMENTS_DIR_VARIABLE]: environments });
    });
    const qaPlan = {
      runsOn: ["self-hosted", "qa-plan"],
      roleArn: "arn:aws:iam::444444444444:role/platform-plan",
    };
    const qaDeploy = {
      runsOn: ["self-hosted", "qa-deploy"],
      roleArn: "arn:aws:iam::444444444444:role/platform-deploy",
    };

    it("is listed with its stacks, region, runners, roles and GitHub environment", () => {
      const planned = JSON.parse(String(outputs.planned)) as { name: string }[];
      expect(planned.find((e) => e.name === "qa")).toEqual({
        name: "qa",
        promotion: 25,
        platform: "eks",
        githubEnvironment: "qa",
        stacks: deploySequence({ name: "qa", platform: "eks" }),
        awsRegion: "us-west-2",
        plan: qaPlan,
        mainPlan: { runsOn: qaDeploy.runsOn, roleArn: qaPlan.roleArn },
        deploy: qaDeploy,
      });
    });

    it("is planned on a pull request on its plan runner, with its plan role, in us-west-2", () => {
      const wf = loadWorkflow("plan.yml");
      const credentials = stepUsing(wf.jobs.plan, "aws-actions/configure-aws-credentials");
      const runs = jobRuns(wf.jobs.plan, runContexts(wf, { name: "pull_request" }, outputs));
      expect(eksWithQa()).toContain("qa");
      expect(runs.map((run) => interpolate("${{ matrix.environment.name }}", run))).toEqual(
        eksWithQa(),
      );
      const qa = runs.find((run) => interpolate("${{ matrix.environment.name }}", run) === "qa");
      expect(qa && interpolate(String(wf.jobs.plan["runs-on"]), qa)).toEqual(qaPlan.runsOn);
      expect(qa && condition(credentials?.if, qa)).toBe(true);
      expect(qa && interpolate(String(credentials?.with?.["role-to-assume"]), qa)).toBe(
        qaPlan.roleArn,
      );
      expect(qa && interpolate(String(credentials?.with?.["aws-region"]), qa)).toBe("us-west-2");
    });

    it("is deployed from main in its promotion place, stack by stack, in its GitHub environment", () => {
      const calls = deployCalls(outputs, { name: "push" });
      expect([...new Set(calls.map((c) => c.environment))]).toEqual(eksWithQa());
      expect(calls.filter((c) => c.environment === "qa")).toEqual(
        deploySequence({ name: "qa", platform: "eks" }).map((stack) => ({
          environment: "qa",
          stack,
          githubEnvironment: "qa",
          awsRegion: "us-west-2",
          mainPlan: { runsOn: qaDeploy.runsOn, roleArn: qaPlan.roleArn },
          deploy: qaDeploy,
        })),
      );
    });
  });
});
