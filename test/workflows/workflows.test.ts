import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { matrix: { include: { environment: string; role: string }[] } };
  steps?: { name?: string; uses?: string; run?: string; with?: Record<string, unknown> }[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, Job>;
}

const load = (name: string) =>
  parse(fs.readFileSync(path.join(__dirname, "../../.github/workflows", name), "utf8")) as Workflow;

const stepUsing = (job: Job, action: string) =>
  job.steps?.find((s) => s.uses?.startsWith(`${action}@`));
const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");

/** Node 20 reached end of life in April 2026; the workflows use the maintained LTS. */
const NODE_LTS = 24;

describe("every workflow", () => {
  it("sets up the maintained Node LTS wherever it sets up Node", () => {
    const versions = fs
      .readdirSync(path.join(__dirname, "../../.github/workflows"))
      .flatMap((file) => Object.values(load(file).jobs))
      .flatMap((job) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith("actions/setup-node@"))
      .map((step) => step.with?.["node-version"]);
    expect(versions).toEqual([NODE_LTS, NODE_LTS, NODE_LTS]);
  });
});

describe("plan.yml", () => {
  const wf = load("plan.yml");

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
    expect(wf.jobs.plan.needs).toBe("test");
  });

  it("plans each environment's stacks with that environment's plan role", () => {
    const plan = wf.jobs.plan;
    expect(plan.strategy?.matrix.include).toEqual([
      { environment: "dev", role: "PLAN_ROLE_ARN_DEV" },
      { environment: "staging", role: "PLAN_ROLE_ARN_STAGING" },
      { environment: "prod", role: "PLAN_ROLE_ARN_PROD" },
    ]);
    expect(stepUsing(plan, "aws-actions/configure-aws-credentials")?.with).toMatchObject({
      "role-to-assume": "${{ vars[matrix.role] }}",
    });
    expect(runs(plan)).toContain(
      "npm run plan -- ${{ matrix.environment }}-infra ${{ matrix.environment }}-platform",
    );
    expect(runs(plan)).toContain("--fail-on-protected-destroy");
  });

  describe("the plan step, run by bash as GitHub runs it, with npm standing in", () => {
    const step = wf.jobs.plan.steps?.find((s) => s.name?.startsWith("Plan "));
    const script = String(step?.run)
      .replace(/\$\{\{ matrix\.environment \}\}/g, "dev")
      .replace(/\$\{\{ strategy\.job-total \}\}/g, "3");
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

    it("gives each environment an equal share of the comment limit", () => {
      runStep(0);
      expect(fs.readFileSync(path.join(bin, "npm-args"), "utf8").trim()).toBe(
        "run plan -- dev-infra dev-platform --fail-on-protected-destroy --max-chars 21333",
      );
    });
  });

  it("posts one comment, found again by its hidden marker", () => {
    const comment = wf.jobs.comment;
    expect(comment.needs).toBe("plan");
    const script = String(stepUsing(comment, "actions/github-script")?.with?.script);
    expect(script).toContain('const marker = "<!-- platform-plan-summary -->"');
    expect(script).toContain("updateComment");
    expect(script).toContain("createComment");
  });
});

describe("deploy.yml", () => {
  const wf = load("deploy.yml");
  const callee = load("deploy-stacks.yml");

  it("runs on pushes to main and on demand", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on).toHaveProperty("workflow_dispatch");
    expect(wf.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("deploys dev, then staging, then prod, infra before platform", () => {
    expect(wf.jobs.dev.needs).toBeUndefined();
    expect(wf.jobs.staging.needs).toBe("dev");
    expect(wf.jobs.prod.needs).toBe("staging");
    for (const env of ["dev", "staging", "prod"]) {
      expect(wf.jobs[env].uses).toBe("./.github/workflows/deploy-stacks.yml");
      expect(wf.jobs[env].with).toEqual({
        environment: env,
        stacks: `${env}-infra ${env}-platform`,
      });
    }
  });

  it("deploys on-prem only on demand, from a self-hosted runner without AWS credentials", () => {
    expect(wf.jobs.onprem.if).toBe(
      "github.event_name == 'workflow_dispatch' && inputs.target == 'onprem'",
    );
    expect(wf.jobs.onprem.with).toMatchObject({
      environment: "onprem",
      stacks: "onprem-platform",
      aws: false,
    });
    expect(JSON.parse(String(wf.jobs.onprem.with?.runner))).toEqual(["self-hosted", "onprem"]);
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
    expect(stepUsing(job, "aws-actions/configure-aws-credentials")?.with).toMatchObject({
      "role-to-assume": "${{ vars.DEPLOY_ROLE_ARN }}",
    });
    expect(runs(job)).toContain(
      'npx cdktf deploy "$stack" --auto-approve --ignore-missing-stack-dependencies',
    );
  });
});
