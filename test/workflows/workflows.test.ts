import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploySequence } from "../../stacks/app";
import { shippedEnvironments } from "../../stacks/environments";
import { PLATFORMS } from "../../scripts/lib/workflow-environments";
import { interpolate, type Value } from "./expressions";
import {
  callInputs,
  deployCalls,
  jobRuns,
  listedEnvironments,
  loadWorkflow,
  plannedOnPullRequest,
  runContexts,
  WORKFLOWS_DIR,
  type Job,
} from "./workflow-runs";

const stepUsing = (job: Job, action: string) =>
  job.steps?.find((s) => s.uses?.startsWith(`${action}@`));
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");

/** Node 20 reached end of life in April 2026; the workflows use the maintained LTS. */
const NODE_LTS = 24;

const shipped = shippedEnvironments();
const namesOf = (platform: string) =>
  shipped.filter((e) => e.platform === platform).map((e) => e.name);

const outputs = listedEnvironments();
const listed = (platform: string) =>
  JSON.parse(String(outputs[platform])) as { name: string; [key: string]: Value }[];

describe("every workflow", () => {
  it("sets up the maintained Node LTS wherever it sets up Node", () => {
    const versions = fs
      .readdirSync(WORKFLOWS_DIR)
      .flatMap((file) => Object.values(loadWorkflow(file).jobs))
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith("actions/setup-node@"))
      .map((step) => step.with?.["node-version"]);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([NODE_LTS]));
  });
});

describe("environments.yml: the environment list, from stacks/environments/", () => {
  it("prints one list per platform, each in promotion order", () => {
    expect(Object.keys(outputs).sort()).toEqual([...PLATFORMS].sort());
    for (const platform of PLATFORMS) {
      expect(listed(platform).map((e) => e.name)).toEqual(namesOf(platform));
    }
  });

  it("gives each environment its stacks in deploy order, runner, roles and region", () => {
    for (const env of shipped) {
      const entry = listed(env.platform).find((e) => e.name === env.name);
      expect(entry).toMatchObject({
        githubEnvironment: env.name,
        stacks: deploySequence(env),
        ...(env.platform === "eks"
          ? {
              runsOn: "ubuntu-latest",
              aws: true,
              awsRegion: env.aws.region,
              planRoleVariable: `PLAN_ROLE_ARN_${env.name.toUpperCase().replace(/-/g, "_")}`,
              deployRoleVariable: "DEPLOY_ROLE_ARN",
            }
          : {
              runsOn: ["self-hosted", env.name],
              aws: env.state !== undefined,
              planRoleVariable: null,
            }),
      });
    }
  });

  it("is a reusable workflow whose outputs are its list step's", () => {
    const workflow = loadWorkflow("environments.yml");
    expect(Object.keys(workflow.on)).toEqual(["workflow_call"]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(runs(workflow.jobs.list)).toMatch(/npm ci\nnpx tsx scripts\/environments\.ts --github/);
  });
});

describe("no shipped environment is left out", () => {
  it("a pull request plans every EKS environment", () => {
    expect(plannedOnPullRequest(outputs)).toEqual(namesOf("eks"));
  });

  it("a push to main deploys every EKS environment, in promotion order", () => {
    expect(deployCalls(outputs, { name: "push" }).map((c) => c.environment)).toEqual(
      namesOf("eks"),
    );
  });

  it("every environment deploys from main: on a push, or on demand for its platform", () => {
    const options = (
      loadWorkflow("deploy.yml").on.workflow_dispatch as {
        inputs: { target: { options: string[] } };
      }
    ).inputs.target.options;
    expect([...options].sort()).toEqual([...PLATFORMS].sort());
    const deployed = [
      ...deployCalls(outputs, { name: "push" }),
      ...options.flatMap((target) => deployCalls(outputs, { name: "workflow_dispatch", target })),
    ].map((c) => c.environment);
    expect(new Set(deployed)).toEqual(new Set(shipped.map((e) => e.name)));
  });
});

describe("plan.yml", () => {
  const wf = loadWorkflow("plan.yml");

  it("runs on pull requests with OIDC and comment permissions, one run per PR", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({
      "id-token": "write",
      contents: "read",
      "pull-requests": "write",
    });
    expect(wf.concurrency).toEqual({
      group: "plan-pr-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
  });

  it("tests before planning", () => {
    const test = wf.jobs.test;
    expect(stepUsing(test, "actions/setup-node")?.with).toEqual({
      "node-version": NODE_LTS,
      cache: "npm",
    });
    expect(stepUsing(test, "hashicorp/setup-terraform")?.with).toMatchObject({
      terraform_version: "1.11.4",
    });
    expect(runs(test)).toMatch(/npm ci\nnpm test/);
    expect(wf.jobs.plan.needs).toEqual(["test", "environments"]);
  });

  const planRuns = () =>
    jobRuns(wf.jobs.plan, {
      ...runContexts(wf, { name: "pull_request" }, outputs),
      vars: Object.fromEntries(
        listed("eks").map((e) => [String(e.planRoleVariable), `arn:${e.name}`]),
      ),
    });

  it("plans each environment with its own plan role, in its region", () => {
    const eks = shipped.filter((e) => e.platform === "eks");
    const credentials = stepUsing(wf.jobs.plan, "aws-actions/configure-aws-credentials")?.with;
    expect(
      planRuns().map((run) => ({
        role: interpolate(String(credentials?.["role-to-assume"]), run),
        region: interpolate(String(credentials?.["aws-region"]), run),
      })),
    ).toEqual(
      eks.map((e) => ({ role: `arn:${e.name}`, region: e.platform === "eks" && e.aws.region })),
    );
  });

  describe("the plan step, run by bash as GitHub runs it, with npm standing in", () => {
    const step = wf.jobs.plan.steps?.find((s) => s.name?.startsWith("Plan "));
    const [first] = planRuns();
    const script = String(interpolate(String(step?.run), first));
    let bin: string;
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), "plan-step-"));
      fs.writeFileSync(
        path.join(bin, "npm"),
        '#!/bin/sh\necho "$@" > "$RUNNER_TEMP/npm-args"\nexit "$PLAN_STATUS"\n',
        { mode: 0o755 },
      );
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    const runStep = (planStatus: number) =>
      spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        env: {
          ...process.env,
          PATH: `${bin}:${process.env.PATH}`,
          RUNNER_TEMP: bin,
          PLAN_STATUS: String(planStatus),
        },
        encoding: "utf8",
      }).status;

    it("passes with no changes (0) and with changes (2), and fails on an error (1)", () => {
      expect(runStep(0)).toBe(0);
      expect(runStep(2)).toBe(0);
      expect(runStep(1)).toBe(1);
    });

    it("plans the environment's stacks, each environment with an equal share of the comment limit", () => {
      runStep(0);
      const [env] = shipped.filter((e) => e.platform === "eks");
      expect(fs.readFileSync(path.join(bin, "npm-args"), "utf8").trim()).toBe(
        `run plan -- ${deploySequence(env).join(" ")} --fail-on-protected-destroy ` +
          `--max-chars ${Math.floor(64000 / namesOf("eks").length)}`,
      );
    });
  });

  describe("the comment, run as github-script runs it", () => {
    const comment = wf.jobs.comment;
    const script = String(stepUsing(comment, "actions/github-script")?.with?.script);
    let body = "";
    beforeAll(async () => {
      const contexts = runContexts(wf, { name: "pull_request" }, outputs);
      const env = Object.fromEntries(
        Object.entries(comment.env ?? {}).map(([k, v]) => [k, String(interpolate(v, contexts))]),
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
      // The first environment's plan wrote a summary; the others stopped before theirs.
      const [first] = namesOf("eks");
      fs.mkdirSync(path.join(dir, "summaries", `plan-summary-${first}`), { recursive: true });
      fs.writeFileSync(
        path.join(dir, "summaries", `plan-summary-${first}`, "summary.md"),
        "SUMMARY",
      );
      const github = {
        paginate: async () => [],
        rest: {
          issues: {
            listComments: () => undefined,
            createComment: async (args: { body: string }) => {
              body = args.body;
            },
            updateComment: async () => undefined,
          },
        },
      };
      const context = {
        repo: { owner: "o", repo: "r" },
        serverUrl: "https://github.com",
        runId: 1,
        sha: "0123456789abcdef",
        payload: { pull_request: { number: 7 } },
      };
      const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await new AsyncFunction("require", "github", "context", "process", script)(
          require,
          github,
          context,
          { env },
        );
      } finally {
        process.chdir(cwd);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("runs after the plans and keeps one comment, found again by its hidden marker", () => {
      expect(comment.needs).toEqual(["environments", "plan"]);
      expect(script).toContain("updateComment");
      expect(body.startsWith("<!-- platform-plan-summary -->")).toBe(true);
    });

    it("has a section for every planned environment, with its summary or why it has none", () => {
      const [first, ...rest] = namesOf("eks");
      expect(body).toContain(`# ${first}\n\nSUMMARY`);
      for (const name of rest) {
        expect(body).toContain(`# ${name}\n\n_No summary: the plan job stopped before writing one`);
      }
    });
  });
});

describe("deploy.yml", () => {
  const wf = loadWorkflow("deploy.yml");
  const callee = loadWorkflow("deploy-stacks.yml");

  it("runs on pushes to main and on demand", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on).toHaveProperty("workflow_dispatch");
    expect(wf.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("deploys one environment at a time and stops the rest when one fails", () => {
    expect(wf.jobs.deploy.strategy).toMatchObject({ "max-parallel": 1, "fail-fast": true });
    expect(wf.jobs.deploy.uses).toBe("./.github/workflows/deploy-stacks.yml");
  });

  it("hands each EKS environment's stacks, deploy order kept, to deploy-stacks with AWS credentials", () => {
    expect(deployCalls(outputs, { name: "push" })).toEqual(
      shipped
        .filter((e) => e.platform === "eks")
        .map((e) => ({
          environment: e.name,
          stacks: deploySequence(e).join(" "),
          runner: JSON.stringify("ubuntu-latest", null, 2),
          aws: true,
          "aws-region": e.platform === "eks" && e.aws.region,
          "deploy-role-variable": "DEPLOY_ROLE_ARN",
        })),
    );
  });

  it("deploys on-prem only on demand, from its self-hosted runner, without AWS unless its state is in S3", () => {
    const calls = deployCalls(outputs, { name: "workflow_dispatch", target: "onprem" });
    expect(calls.map((c) => c.environment)).toEqual(namesOf("onprem"));
    for (const call of calls) {
      expect(JSON.parse(String(call.runner))).toEqual(["self-hosted", call.environment]);
      const env = shipped.find((e) => e.name === call.environment);
      expect(call.aws).toBe(env?.state !== undefined);
    }
    expect(deployCalls(outputs, { name: "push" }).map((c) => c.environment)).not.toContain(
      namesOf("onprem")[0],
    );
  });

  it("skips a target without environments instead of failing on an empty matrix", () => {
    expect(
      deployCalls({ ...outputs, onprem: "[]" }, { name: "workflow_dispatch", target: "onprem" }),
    ).toEqual([]);
  });

  it("runs each environment in its GitHub environment, one apply at a time, with its deploy role", () => {
    expect(Object.keys(callee.on)).toEqual(["workflow_call"]);
    const job = callee.jobs.deploy;
    expect(job.environment).toBe("${{ inputs.environment }}");
    expect(job.concurrency).toEqual({
      group: "deploy-${{ inputs.environment }}",
      "cancel-in-progress": false,
    });
    expect(callee.permissions).toEqual({ "id-token": "write", contents: "read" });
    const credentials = stepUsing(job, "aws-actions/configure-aws-credentials");
    const [call] = deployCalls(outputs, { name: "push" });
    const contexts = {
      inputs: call,
      vars: { DEPLOY_ROLE_ARN: "arn:deploy" },
      github: { run_id: 1 },
    };
    expect(callInputs({ with: credentials?.with }, contexts)).toMatchObject({
      "role-to-assume": "arn:deploy",
      "aws-region": call["aws-region"],
    });
    expect(runs(job)).toContain(
      'npx cdktf deploy "$stack" --auto-approve --ignore-missing-stack-dependencies',
    );
  });
});
