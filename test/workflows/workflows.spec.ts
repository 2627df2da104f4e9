import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploySequence } from "../../stacks/app";
import { loadEnvironmentFiles } from "../../stacks/environment/load";
import { shippedEnvironmentFiles, shippedEnvironments } from "../../stacks/environments";
import { CREDENTIAL_WORKFLOWS } from "../../scripts/lib/trust-policies";
import {
  PLATFORMS,
  deployOutput,
  workflowEnvironments,
} from "../../scripts/lib/workflow-environments";
import { condition, interpolate, type Contexts, type Value } from "./expressions";
import {
  allWorkflows,
  callInputs,
  deployCalls,
  jobRuns,
  listedEnvironments,
  loadWorkflow,
  plannedOnPullRequest,
  runContexts,
  runGithubScript,
  runShell,
  stepUsing,
  stepWithId,
  workflowText,
  type Job,
  type Step,
} from "./workflow-runs";

const runs = (job: Job) => (job.steps ?? []).map((s) => s.run ?? "").join("\n");

/** Node 20 reached end of life in April 2026; the workflows use the maintained LTS. */
const NODE_LTS = 24;

const shipped = shippedEnvironments();
const lists = workflowEnvironments(shippedEnvironmentFiles());
const outputs = listedEnvironments();
const listed = (output: string) =>
  JSON.parse(String(outputs[output])) as { name: string; [key: string]: Value }[];

const jobsOf = () =>
  allWorkflows().flatMap(([file, wf]) =>
    Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })),
  );
/** Jobs that run on a runner (not calls of a reusable workflow). */
const runnerJobs = () => jobsOf().filter(({ job }) => job.uses === undefined);

describe("every workflow", () => {
  it("sets up the maintained Node LTS wherever it sets up Node", () => {
    const versions = runnerJobs()
      .flatMap(({ job }) => job.steps ?? [])
      .filter((step) => step.uses?.startsWith("actions/setup-node@"))
      .map((step) => step.with?.["node-version"]);
    expect(versions.length).toBeGreaterThan(0);
    expect(new Set(versions)).toEqual(new Set([NODE_LTS]));
  });

  it("pins every action by a full commit SHA, with its version in a comment", () => {
    const uses = allWorkflows().flatMap(([file]) =>
      workflowText(file)
        .split("\n")
        .filter((line) => /^\s*(- )?uses:/.test(line))
        .map((line) => ({ file, line: line.trim() })),
    );
    expect(uses.length).toBeGreaterThan(20);
    for (const { file, line } of uses) {
      if (/uses: \.\/\.github\/workflows\//.test(line)) continue;
      expect({ file, line }).toEqual({
        file,
        line: expect.stringMatching(/^(- )?uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/),
      });
    }
  });

  it("gives every job a timeout", () => {
    for (const { file, id, job } of runnerJobs()) {
      expect({ job: `${file} ${id}`, timeout: job["timeout-minutes"] }).toEqual({
        job: `${file} ${id}`,
        timeout: expect.any(Number),
      });
    }
  });

  it("never persists the token a checkout uses", () => {
    const checkouts = runnerJobs().flatMap(({ job }) =>
      (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/checkout@")),
    );
    expect(checkouts.length).toBeGreaterThan(5);
    for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe(false);
  });

  it("grants nothing at the top: each job asks for what it needs", () => {
    for (const [file, wf] of allWorkflows()) {
      if (file === "environments.yml") expect(wf.permissions).toEqual({ contents: "read" });
      else expect({ file, permissions: wf.permissions }).toEqual({ file, permissions: {} });
    }
    // environments.yml's one job reads the repository, as its workflow says.
    for (const { file, id, job } of jobsOf().filter(({ file }) => file !== "environments.yml")) {
      expect({ job: `${file} ${id}`, declared: job.permissions !== undefined }).toEqual({
        job: `${file} ${id}`,
        declared: true,
      });
    }
  });

  it("lets a job request an OIDC token only to assume a role, and only in the credential workflows", () => {
    for (const { file, id, job } of runnerJobs()) {
      const assumes = stepUsing(job, "aws-actions/configure-aws-credentials") !== undefined;
      expect({ job: `${file} ${id}`, oidc: job.permissions?.["id-token"] === "write" }).toEqual({
        job: `${file} ${id}`,
        oidc: assumes,
      });
      if (assumes) expect(Object.values(CREDENTIAL_WORKFLOWS)).toContain(file);
    }
  });

  it("writes to pull requests, issues and statuses only from jobs that run no repository code", () => {
    const writers = runnerJobs().filter(({ job }) =>
      ["pull-requests", "issues", "statuses", "contents"].some(
        (scope) => job.permissions?.[scope] === "write",
      ),
    );
    expect(writers.map(({ file, id }) => `${file} ${id}`).sort()).toEqual([
      "deploy-stacks.yml report",
      "drift.yml report",
      "plan.yml comment",
    ]);
    for (const { job } of writers) {
      expect(job.permissions?.["id-token"]).toBeUndefined();
      expect(job.permissions?.contents).not.toBe("write");
      expect(stepUsing(job, "actions/checkout")).toBeUndefined();
      expect((job.steps ?? []).every((s) => s.run === undefined)).toBe(true);
    }
  });

  it("installs without lifecycle scripts and runs the project's build step explicitly", () => {
    for (const { file, id, job } of runnerJobs()) {
      const text = runs(job);
      if (!/npm ci/.test(text)) continue;
      expect({ job: `${file} ${id}`, install: text.match(/npm ci.*/g) }).toEqual({
        job: `${file} ${id}`,
        install: ["npm ci --ignore-scripts"],
      });
      expect(text).toMatch(/npm ci --ignore-scripts\nnpm run prepare/);
    }
  });

  it("restores no npm cache in a job that assumes a role", () => {
    for (const { file, id, job } of runnerJobs()) {
      if (job.permissions?.["id-token"] !== "write") continue;
      expect({ job: `${file} ${id}`, with: stepUsing(job, "actions/setup-node")?.with }).toEqual({
        job: `${file} ${id}`,
        with: { "node-version": NODE_LTS, "package-manager-cache": false },
      });
    }
  });

  it("keeps artifacts a week at most: text plans and saved plans hold configuration and state values", () => {
    const uploads = runnerJobs().flatMap(({ job }) =>
      (job.steps ?? []).filter((s) => s.uses?.startsWith("actions/upload-artifact@")),
    );
    expect(uploads.length).toBe(3);
    for (const upload of uploads) expect(upload.with?.["retention-days"]).toBeLessThanOrEqual(7);
  });
});

describe("environments.yml: the environment lists, from stacks/environments/", () => {
  const workflow = loadWorkflow("environments.yml");

  it("prints who is planned, who drifts, and each platform's stack deploys in promotion order", () => {
    expect(Object.keys(outputs).sort()).toEqual(
      ["planned", "drift", ...PLATFORMS.map(deployOutput)].sort(),
    );
    expect(listed("planned").map((e) => e.name)).toEqual(
      shipped.filter((e) => e.platform === "eks").map((e) => e.name),
    );
    expect(listed("drift").map((e) => e.name)).toEqual(shipped.map((e) => e.name));
    for (const platform of PLATFORMS) {
      expect(
        (JSON.parse(String(outputs[deployOutput(platform)])) as { stack: string }[]).map(
          (d) => d.stack,
        ),
      ).toEqual(shipped.filter((e) => e.platform === platform).flatMap((e) => deploySequence(e)));
    }
  });

  it("gives each environment its runners and roles from its file's pipeline", () => {
    for (const env of shipped) {
      const entry = listed("drift").find((e) => e.name === env.name);
      const deployRunsOn =
        env.pipeline.deploy.runsOn ?? (env.platform === "onprem" ? ["self-hosted", env.name] : []);
      expect(entry).toMatchObject({
        githubEnvironment: env.name,
        stacks: deploySequence(env),
        deploy: { runsOn: deployRunsOn, roleArn: env.pipeline.deploy.roleArn ?? null },
        // Main is planned on the deploy runner: runners that run pull-request code never make a
        // plan that is applied.
        mainPlan: { runsOn: deployRunsOn, roleArn: env.pipeline.plan?.roleArn ?? null },
        plan: env.pipeline.plan
          ? { runsOn: env.pipeline.plan.runsOn, roleArn: env.pipeline.plan.roleArn }
          : null,
      });
    }
  });

  it("reads the commit it is given, with no credentials", () => {
    expect(Object.keys(workflow.on)).toEqual(["workflow_call"]);
    expect(stepUsing(workflow.jobs.list, "actions/checkout")?.with).toEqual({
      ref: "${{ inputs.ref }}",
      "persist-credentials": false,
    });
    expect(runs(workflow.jobs.list)).toMatch(/npx tsx scripts\/environments\.ts --github/);
  });

  it("refuses an EKS environment without its roles, naming the file and the field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roles-"));
    try {
      for (const f of fs.readdirSync(path.join(__dirname, "../../stacks/environments"))) {
        if (!f.endsWith(".yaml")) continue;
        const text = fs.readFileSync(path.join(__dirname, "../../stacks/environments", f), "utf8");
        fs.writeFileSync(
          path.join(dir, f),
          text.replace(/\n {4}roleArn: .*platform-deploy\n/, "\n"),
        );
      }
      expect(() => workflowEnvironments(loadEnvironmentFiles(dir))).toThrow(
        /dev\.yaml: pipeline\.deploy\.roleArn: is not set: the deploy workflow assumes this role/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plan.yml: every pull request, planned with the base branch's runners and roles", () => {
  const wf = loadWorkflow("plan.yml");
  const contexts = runContexts(wf, { name: "pull_request" }, outputs);
  const planRuns = () => jobRuns(wf.jobs.plan, contexts);

  it("runs on pull requests, one run per PR, testing before planning", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.concurrency).toEqual({
      group: "plan-pr-${{ github.event.pull_request.number }}",
      "cancel-in-progress": true,
    });
    expect(runs(wf.jobs.test)).toMatch(
      /npm ci --ignore-scripts\nnpm run prepare\nnpm run charts\nnpm test/,
    );
    expect(wf.jobs.test.permissions).toEqual({ contents: "read" });
    expect(wf.jobs.plan.needs).toEqual(["test", "environments"]);
  });

  it("lists the environments from the pull request's base commit, not its head", () => {
    expect(callInputs(wf.jobs.environments, contexts)).toEqual({ ref: "b4se" });
  });

  it("plans each planned environment on its plan runner, with its plan role, in its region", () => {
    const credentials = stepUsing(wf.jobs.plan, "aws-actions/configure-aws-credentials");
    expect(plannedOnPullRequest(outputs)).toEqual(lists.planned.map((e) => e.name));
    expect(
      planRuns().map((run) => ({
        runsOn: interpolate(String(wf.jobs.plan["runs-on"]), run),
        role: interpolate(String(credentials?.with?.["role-to-assume"]), run),
        region: interpolate(String(credentials?.with?.["aws-region"]), run),
        assumes: condition(credentials?.if, run),
      })),
    ).toEqual(
      lists.planned.map((e) => ({
        runsOn: e.plan?.runsOn,
        role: e.plan?.roleArn,
        region: e.awsRegion,
        assumes: true,
      })),
    );
    for (const e of lists.planned) {
      expect(e.plan?.runsOn).not.toEqual(e.deploy.runsOn);
    }
    expect(wf.jobs.plan.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  describe("the plan step, run by bash as GitHub runs it, with npm standing in", () => {
    const step = wf.jobs.plan.steps?.find((s) => s.name?.startsWith("Plan "));
    const [first] = planRuns();
    const script = String(interpolate(String(step?.run), first));
    const env = Object.fromEntries(
      Object.entries(wf.jobs.plan.env ?? {}).map(([k, v]) => [k, String(interpolate(v, first))]),
    );
    let bin: string;
    beforeAll(() => {
      bin = fs.mkdtempSync(path.join(os.tmpdir(), "plan-step-"));
      fs.writeFileSync(
        path.join(bin, "npm"),
        '#!/bin/sh\necho "$@" > "$NPM_ARGS"\nexit "$PLAN_STATUS"\n',
        { mode: 0o755 },
      );
    });
    afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

    const runStep = (planStatus: number) =>
      runShell(script, {
        env: {
          ...env,
          PATH: `${bin}:${process.env.PATH}`,
          NPM_ARGS: path.join(bin, "npm-args"),
          PLAN_STATUS: String(planStatus),
        },
      }).status;

    it("passes with no changes (0) and with changes (2), and fails on an error (1)", () => {
      expect(runStep(0)).toBe(0);
      expect(runStep(2)).toBe(0);
      expect(runStep(1)).toBe(1);
    });

    it("plans the environment's stacks, each environment with an equal share of the comment limit", () => {
      runStep(0);
      const [planned] = lists.planned;
      expect(fs.readFileSync(path.join(bin, "npm-args"), "utf8").trim()).toBe(
        `run plan -- ${planned.stacks.join(" ")} --fail-on-protected-destroy ` +
          `--max-chars ${Math.floor(64000 / lists.planned.length)}`,
      );
    });
  });

  describe("the comment, run as github-script runs it", () => {
    const comment = wf.jobs.comment;
    const script = String(stepUsing(comment, "actions/github-script")?.with?.script);
    const marker = "<!-- platform-plan-summary -->";
    const bot = { login: "github-actions[bot]", type: "Bot" };

    /** Runs the comment script over `existing` comments; returns what it created or updated. */
    async function post(existing: { id: number; user: unknown; body: string }[]) {
      const calls: { created?: string; updated?: { id: number; body: string } } = {};
      const env = Object.fromEntries(
        Object.entries(comment.env ?? {}).map(([k, v]) => [k, String(interpolate(v, contexts))]),
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-comment-"));
      const [first] = lists.planned;
      fs.mkdirSync(path.join(dir, "summaries", `plan-summary-${first.name}`), { recursive: true });
      fs.writeFileSync(
        path.join(dir, "summaries", `plan-summary-${first.name}`, "summary.md"),
        "SUMMARY",
      );
      try {
        await runGithubScript(script, {
          cwd: dir,
          env,
          context: {
            repo: { owner: "o", repo: "r" },
            serverUrl: "https://github.com",
            runId: 1,
            sha: "0123456789abcdef",
            payload: { pull_request: { number: 7 } },
          },
          github: {
            paginate: async () => existing,
            rest: {
              issues: {
                listComments: () => undefined,
                createComment: async (args: { body: string }) => {
                  calls.created = args.body;
                },
                updateComment: async (args: { comment_id: number; body: string }) => {
                  calls.updated = { id: args.comment_id, body: args.body };
                },
              },
            },
          },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return calls;
    }

    it("runs after the plans and writes one comment with a section per planned environment", async () => {
      expect(comment.needs).toEqual(["environments", "plan"]);
      expect(comment.permissions).toEqual({ "pull-requests": "write" });
      const { created } = await post([]);
      expect(created?.startsWith(marker)).toBe(true);
      const [first, ...rest] = lists.planned.map((e) => e.name);
      expect(created).toContain(`# ${first}\n\nSUMMARY`);
      for (const name of rest) {
        expect(created).toContain(
          `# ${name}\n\n_No summary: the plan job stopped before writing one`,
        );
      }
    });

    it("edits only the comment its own bot wrote, never one someone posted with the marker", async () => {
      const forged = { id: 1, user: { login: "mallory", type: "User" }, body: `${marker}\nfake` };
      const own = { id: 2, user: bot, body: `${marker}\nold` };
      expect(await post([forged])).toEqual({ created: expect.stringContaining("SUMMARY") });
      expect(await post([forged, own])).toEqual({
        updated: { id: 2, body: expect.stringContaining("SUMMARY") },
      });
      const quoted = { id: 3, user: bot, body: `> ${marker}` };
      expect(await post([quoted])).toEqual({ created: expect.any(String) });
    });
  });
});

describe("deploy.yml: main, stack by stack, in promotion order", () => {
  const wf = loadWorkflow("deploy.yml");
  const eksStacks = lists.deploys.eks.map((d) => d.stack);

  it("runs on pushes to main and on demand, one deploy run at a time", () => {
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on).toHaveProperty("workflow_dispatch");
    expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
    expect(wf.jobs.deploy.strategy).toMatchObject({ "max-parallel": 1, "fail-fast": true });
    expect(wf.jobs.deploy.uses).toBe("./.github/workflows/deploy-stacks.yml");
  });

  it("deploys every EKS stack on a push, environment after environment, infra before platform", () => {
    expect(deployCalls(outputs, { name: "push" }).map((c) => c.stack)).toEqual(eksStacks);
    expect(eksStacks).toEqual(
      shipped.filter((e) => e.platform === "eks").flatMap((e) => deploySequence(e)),
    );
  });

  it("deploys on-prem only on demand, from its own runner", () => {
    const calls = deployCalls(outputs, { name: "workflow_dispatch", target: "onprem" });
    const onprem = shipped.filter((e) => e.platform === "onprem");
    expect(calls.map((c) => c.stack)).toEqual(onprem.flatMap((e) => deploySequence(e)));
    for (const call of calls) {
      expect(call.deploy).toMatchObject({ runsOn: ["self-hosted", call.environment] });
    }
    expect(deployCalls(outputs, { name: "push" }).map((c) => c.environment)).not.toContain(
      onprem[0].name,
    );
  });

  it("skips a target without environments instead of failing on an empty matrix", () => {
    expect(
      deployCalls(
        { ...outputs, "deploy-onprem": "[]" },
        { name: "workflow_dispatch", target: "onprem" },
      ),
    ).toEqual([]);
  });

  it("deploys nothing when started on another branch, and says so", () => {
    const event = { name: "workflow_dispatch", target: "eks", ref: "refs/heads/feature" } as const;
    const contexts = runContexts(wf, event, outputs);
    expect(condition(wf.jobs.environments.if, contexts)).toBe(false);
    expect(deployCalls(outputs, event)).toEqual([]);
    expect(condition(wf.jobs["main-only"].if, contexts)).toBe(true);
    const refusal = runShell(runs(wf.jobs["main-only"]), {
      env: { GITHUB_REF: "refs/heads/feature" },
    });
    expect(refusal.status).toBe(1);
    expect(refusal.stdout).toContain("::error::deploy runs only from main");
    expect(condition(wf.jobs["main-only"].if, runContexts(wf, { name: "push" }, outputs))).toBe(
      false,
    );
  });
});

describe("deploy-stacks.yml: plan on main, approval, apply of exactly that plan", () => {
  const wf = loadWorkflow("deploy-stacks.yml");
  const [call] = deployCalls(outputs, { name: "push" });
  const contexts = (extra: Contexts = {}): Contexts => ({
    inputs: { deploy: JSON.stringify(call) },
    github: { run_id: 1, sha: "abc" },
    runner: { temp: "/tmp/runner" },
    steps: {},
    needs: {},
    ...extra,
  });
  const credentials = (job: Job) => stepUsing(job, "aws-actions/configure-aws-credentials");

  it("deploys the stack deploy.yml hands it", () => {
    expect(interpolate(String(wf.env?.STACK), contexts())).toBe(call.stack);
  });

  it("plans on the deploy runner (main's code only) as the read-only plan role", () => {
    const plan = wf.jobs.plan;
    const { mainPlan, deploy } = call as unknown as (typeof lists.deploys.eks)[number];
    expect(interpolate(String(plan["runs-on"]), contexts())).toEqual(mainPlan.runsOn);
    expect(mainPlan.runsOn).toEqual(deploy.runsOn);
    expect(plan.environment).toBeUndefined();
    expect(interpolate(String(credentials(plan)?.with?.["role-to-assume"]), contexts())).toBe(
      (call.mainPlan as { roleArn: string }).roleArn,
    );
    expect(plan.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("applies only after the GitHub environment's approval, on the deploy runner, as the deploy role", () => {
    const apply = wf.jobs.apply;
    expect(apply.needs).toBe("plan");
    expect(interpolate(String(apply.environment), contexts())).toBe(call.githubEnvironment);
    expect(interpolate(String(apply["runs-on"]), contexts())).toEqual(
      (call.deploy as { runsOn: Value }).runsOn,
    );
    expect(interpolate(String(credentials(apply)?.with?.["role-to-assume"]), contexts())).toBe(
      (call.deploy as { roleArn: string }).roleArn,
    );
  });

  it("asks for no approval when the plan changes nothing", () => {
    const needs = (changes: string) => ({ plan: { result: "success", outputs: { changes } } });
    expect(condition(wf.jobs.apply.if, contexts({ needs: needs("true") }))).toBe(true);
    expect(condition(wf.jobs.apply.if, contexts({ needs: needs("false") }))).toBe(false);
  });

  it("applies the artifact the plan job uploaded, by its ID, and nothing else", () => {
    const upload = stepWithId(wf.jobs.plan, "save");
    expect(upload?.uses).toMatch(/^actions\/upload-artifact@/);
    expect(wf.jobs.plan.outputs?.["artifact-id"]).toBe("${{ steps.save.outputs.artifact-id }}");
    const download = stepUsing(wf.jobs.apply, "actions/download-artifact") as Step;
    expect(download.with).toMatchObject({
      "artifact-ids": "${{ needs.plan.outputs.artifact-id }}",
      "digest-mismatch": "error",
    });
    expect(runs(wf.jobs.apply)).toContain('npm run apply -- "$STACK"');
    expect(runs(wf.jobs.apply)).not.toMatch(/npm run plan|cdktf (deploy|synth)|terraform apply/);
  });

  it("records the plan's exit status: 0 nothing to apply, 2 changes, anything else fails", () => {
    const step = stepWithId(wf.jobs.plan, "plan") as Step;
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-plan-"));
    try {
      fs.writeFileSync(path.join(bin, "npm"), '#!/bin/sh\nexit "$PLAN_STATUS"\n', { mode: 0o755 });
      const run = (status: number) =>
        runShell(String(step.run), {
          env: {
            PATH: `${bin}:${process.env.PATH}`,
            PLAN_STATUS: String(status),
            STACK: "dev-infra",
          },
        });
      expect(run(0)).toMatchObject({ status: 0, outputs: { changes: "false" } });
      expect(run(2)).toMatchObject({ status: 0, outputs: { changes: "true" } });
      expect(run(1).status).toBe(1);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe("drift.yml: a scheduled plan of main that never applies", () => {
  const wf = loadWorkflow("drift.yml");
  const contexts = runContexts(wf, { name: "schedule" }, outputs);

  it("runs on a schedule (and on demand) and plans every stack of every environment", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const drifts = jobRuns(wf.jobs.drift, contexts);
    expect(drifts.map((run) => interpolate("${{ matrix.environment.name }}", run))).toEqual(
      shipped.map((e) => e.name),
    );
    for (const run of drifts) {
      const env = (run.matrix as { environment: { mainPlan: { runsOn: Value; roleArn: Value } } })
        .environment;
      expect(interpolate(String(wf.jobs.drift["runs-on"]), run)).toEqual(env.mainPlan.runsOn);
      expect(
        interpolate(
          String(
            stepUsing(wf.jobs.drift, "aws-actions/configure-aws-credentials")?.with?.[
              "role-to-assume"
            ],
          ),
          run,
        ),
      ).toBe(env.mainPlan.roleArn);
    }
  });

  it("never applies: no GitHub environment, no deploy role, no apply", () => {
    for (const job of Object.values(wf.jobs)) {
      expect(job.environment).toBeUndefined();
      expect(runs(job)).not.toMatch(/apply|cdktf deploy|auto-approve/);
    }
    const roles = jobRuns(wf.jobs.drift, contexts).map((run) =>
      interpolate(
        String(
          stepUsing(wf.jobs.drift, "aws-actions/configure-aws-credentials")?.with?.[
            "role-to-assume"
          ],
        ),
        run,
      ),
    );
    for (const deployRole of lists.drift.map((e) => e.deploy.roleArn)) {
      if (deployRole) expect(roles).not.toContain(deployRole);
    }
  });

  it("runs only `npm run plan` with the environment's stacks, and reports drift without failing", () => {
    const step = stepWithId(wf.jobs.drift, "plan") as Step;
    const [first] = jobRuns(wf.jobs.drift, contexts);
    const env = Object.fromEntries(
      Object.entries(wf.jobs.drift.env ?? {}).map(([k, v]) => [k, String(interpolate(v, first))]),
    );
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    try {
      fs.writeFileSync(
        path.join(bin, "npm"),
        '#!/bin/sh\necho "$@" >> "$NPM_ARGS"\nexit "$PLAN_STATUS"\n',
        { mode: 0o755 },
      );
      const run = (status: number) =>
        runShell(String(step.run), {
          env: {
            ...env,
            PATH: `${bin}:${process.env.PATH}`,
            NPM_ARGS: path.join(bin, "args"),
            PLAN_STATUS: String(status),
          },
        });
      expect(run(0)).toMatchObject({ status: 0, outputs: { drift: "none" } });
      expect(run(2)).toMatchObject({ status: 0, outputs: { drift: "found" } });
      expect(run(1).status).toBe(1);
      const [firstEnv] = lists.drift;
      expect(fs.readFileSync(path.join(bin, "args"), "utf8").trim().split("\n")).toEqual(
        Array(3).fill(`run plan -- ${firstEnv.stacks.join(" ")}`),
      );
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  describe("the report, run as github-script runs it", () => {
    const report = wf.jobs.report;
    const script = String(stepUsing(report, "actions/github-script")?.with?.script);
    const [first, second] = lists.drift.map((e) => e.name);
    const bot = { login: "github-actions[bot]", type: "Bot" };

    async function reportWith(
      drift: Record<string, string>,
      open: { number: number; user: unknown; body: string }[],
    ) {
      const calls: string[] = [];
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-report-"));
      for (const [env, status] of Object.entries(drift)) {
        fs.mkdirSync(path.join(dir, "drift", `drift-${env}`), { recursive: true });
        fs.writeFileSync(path.join(dir, "drift", `drift-${env}`, "drift"), status);
        fs.writeFileSync(path.join(dir, "drift", `drift-${env}`, "summary.md"), `SUMMARY ${env}`);
      }
      try {
        await runGithubScript(script, {
          cwd: dir,
          env: { ENVIRONMENTS: JSON.stringify(lists.drift) },
          context: { repo: { owner: "o", repo: "r" }, serverUrl: "https://github.com", runId: 9 },
          github: {
            paginate: async () => open,
            rest: {
              issues: {
                listForRepo: () => undefined,
                create: async (a: { title: string; body: string }) => {
                  calls.push(
                    `create ${a.title}: ${a.body.includes(`SUMMARY`) ? "summary" : a.body}`,
                  );
                },
                update: async (a: { issue_number: number; state?: string; title?: string }) => {
                  calls.push(`update #${a.issue_number} ${a.state ?? a.title}`);
                },
                createComment: async (a: { issue_number: number }) => {
                  calls.push(`comment #${a.issue_number}`);
                },
              },
            },
          },
        });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return calls;
    }

    it("opens one issue per drifted environment, with the plan summary", async () => {
      expect(report.permissions).toEqual({ issues: "write" });
      const calls = await reportWith({ [first]: "found", [second]: "none" }, []);
      expect(calls).toContain(`create Drift in ${first}: summary`);
      expect(calls.filter((c) => c.includes(second))).toEqual([]);
    });

    it("updates its own open issue, and closes it once the drift is gone", async () => {
      const own = { number: 4, user: bot, body: `<!-- platform-drift env=${first} -->\nold` };
      const forged = { number: 5, user: { login: "m", type: "User" }, body: own.body };
      const others = Object.fromEntries(lists.drift.slice(1).map((e) => [e.name, "none"]));
      expect(await reportWith({ ...others, [first]: "found" }, [forged, own])).toEqual([
        `update #4 Drift in ${first}`,
      ]);
      expect(await reportWith({ ...others, [first]: "none" }, [forged, own])).toEqual([
        "comment #4",
        "update #4 closed",
      ]);
    });

    it("reports a check that failed, rather than no drift", async () => {
      const calls = await reportWith({}, []);
      expect(calls.find((c) => c.startsWith(`create Drift check of ${first} failed: `))).toContain(
        "failed before it could plan every stack",
      );
    });
  });
});
