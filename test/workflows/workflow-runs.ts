/**
 * What the workflows would run, worked out from the workflow files themselves: environments.yml's
 * outputs from what its list step prints, then the conditions and matrices of plan.yml, deploy.yml
 * and drift.yml evaluated with them (see ./expressions); steps' shell run by bash, github-script
 * steps run with a stand-in client.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { condition, interpolate, type Contexts, type Value } from "./expressions";

export interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, unknown>;
  environment?: string;
  "runs-on"?: unknown;
  "timeout-minutes"?: number;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  strategy?: { "max-parallel"?: number; "fail-fast"?: boolean; matrix: Record<string, unknown> };
  steps?: Step[];
}

export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export const WORKFLOWS_DIR = path.join(__dirname, "../../.github/workflows");

export const workflowText = (name: string) =>
  fs.readFileSync(path.join(WORKFLOWS_DIR, name), "utf8");

export const loadWorkflow = (name: string) => parse(workflowText(name)) as Workflow;

/** Every workflow file, by name. */
export const allWorkflows = (): [string, Workflow][] =>
  fs
    .readdirSync(WORKFLOWS_DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => [f, loadWorkflow(f)]);

/** The step that uses `action` (`owner/name`, any version). */
export const stepUsing = (job: Job, action: string) =>
  job.steps?.find((s) => s.uses?.startsWith(`${action}@`));

/** A step by its `id`. */
export const stepWithId = (job: Job, id: string) => job.steps?.find((s) => s.id === id);

/**
 * A step's shell run by bash as GitHub runs it (`bash -e -o pipefail`), in `cwd`, with `env`
 * added; GITHUB_OUTPUT and GITHUB_STEP_SUMMARY are files of a fresh folder, returned parsed.
 */
export function runShell(
  script: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
  try {
    const output = path.join(dir, "output");
    const summary = path.join(dir, "summary");
    fs.writeFileSync(output, "");
    fs.writeFileSync(summary, "");
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
      cwd: options.cwd,
      env: {
        ...process.env,
        RUNNER_TEMP: dir,
        ...options.env,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
      },
      encoding: "utf8",
    });
    return {
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      outputs: parseGithubOutput(fs.readFileSync(output, "utf8")),
      summary: fs.readFileSync(summary, "utf8"),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A github-script step's script, run as the action runs it, in `cwd`, with `env`. */
export async function runGithubScript(
  script: string,
  options: { github: unknown; context: unknown; env: Record<string, string>; cwd?: string },
): Promise<void> {
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
  const cwd = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  try {
    await new AsyncFunction("require", "github", "context", "process", script)(
      require,
      options.github,
      options.context,
      { env: options.env },
    );
  } finally {
    process.chdir(cwd);
  }
}

/** `name=value` lines, and `name<<DELIMITER` blocks, as steps append them to $GITHUB_OUTPUT. */
function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      if (end < 0) throw new Error(`output ${heredoc[1]}: no closing ${heredoc[2]}`);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (lines[i].includes("=")) {
      outputs[lines[i].slice(0, lines[i].indexOf("="))] = lines[i].slice(lines[i].indexOf("=") + 1);
    }
  }
  return outputs;
}

/**
 * environments.yml's outputs: its list step's own command, run by bash in this checkout with `env`
 * added to the environment (PLATFORM_ENVIRONMENTS_DIR for another set of files).
 */
export function listedEnvironments(env: NodeJS.ProcessEnv = {}): Record<string, Value> {
  const step = loadWorkflow("environments.yml").jobs.list.steps?.find((s) => s.id === "list");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "github-output-"));
  try {
    const file = path.join(dir, "output");
    const result = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", String(step?.run)],
      {
        cwd: path.join(WORKFLOWS_DIR, "../.."),
        env: { ...process.env, ...env, GITHUB_OUTPUT: file },
        encoding: "utf8",
      },
    );
    if (result.status !== 0) throw new Error(`the list step failed:\n${result.stderr}`);
    return environmentsOutputs(parseGithubOutput(fs.readFileSync(file, "utf8")));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** environments.yml's workflow_call outputs, given what its `list` step wrote. */
function environmentsOutputs(stepOutputs: Record<string, string>): Record<string, Value> {
  const workflow = loadWorkflow("environments.yml");
  const call = workflow.on.workflow_call as { outputs: Record<string, { value: string }> };
  const jobs: Record<string, Value> = {};
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const steps = Object.fromEntries(
      (job.steps ?? []).flatMap((s) => (s.id ? [[s.id, { outputs: stepOutputs }]] : [])),
    );
    jobs[name] = {
      outputs: Object.fromEntries(
        Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, { steps })]),
      ),
    };
  }
  return Object.fromEntries(
    Object.entries(call.outputs).map(([k, { value }]) => [k, interpolate(value, { jobs })]),
  );
}

export type Event =
  | { name: "pull_request" }
  | { name: "push" }
  | { name: "schedule" }
  | { name: "workflow_dispatch"; target?: string; ref?: string };

/** The contexts of a run of `workflow` for `event`, with environments.yml's outputs as its job's. */
export function runContexts(
  workflow: Workflow,
  event: Event,
  outputs: Record<string, Value>,
): Contexts {
  const [listJob] = Object.entries(workflow.jobs).find(
    ([, job]) => job.uses === "./.github/workflows/environments.yml",
  ) ?? [undefined];
  if (!listJob) throw new Error("the workflow does not call environments.yml");
  const needs: Record<string, Value> = Object.fromEntries(
    Object.keys(workflow.jobs).map((name) => [name, { result: "success", outputs: {} }]),
  );
  needs[listJob] = { result: "success", outputs };
  const ref =
    event.name === "pull_request"
      ? "refs/pull/7/merge"
      : event.name === "workflow_dispatch" && event.ref
        ? event.ref
        : "refs/heads/main";
  return {
    github: {
      event_name: event.name,
      ref,
      event: { pull_request: { number: 7, base: { sha: "b4se" } } },
    },
    inputs: event.name === "workflow_dispatch" && event.target ? { target: event.target } : {},
    needs,
    vars: {},
  };
}

/** Each matrix entry a job runs with (one empty entry without a matrix); none when its `if` fails. */
export function jobRuns(job: Job, contexts: Contexts): Contexts[] {
  if (!condition(job.if, contexts)) return [];
  const matrix = job.strategy?.matrix ?? {};
  let combinations: Record<string, Value>[] = [{}];
  for (const [key, values] of Object.entries(matrix)) {
    const list = typeof values === "string" ? interpolate(values, contexts) : (values as Value);
    if (!Array.isArray(list) || list.length === 0) {
      throw new Error(`matrix ${key} is not a non-empty list: ${JSON.stringify(list)}`);
    }
    combinations = combinations.flatMap((c) => list.map((v) => ({ ...c, [key]: v })));
  }
  return combinations.map((matrixValues) => ({
    ...contexts,
    matrix: matrixValues,
    strategy: { "job-total": combinations.length },
  }));
}

/** A job's `with` (the inputs of the workflow it calls), evaluated for one run. */
export function callInputs(job: Job, contexts: Contexts): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(job.with ?? {}).map(([k, v]) => [
      k,
      typeof v === "string" ? interpolate(v, contexts) : (v as Value),
    ]),
  );
}

/** The environments a pull request plans, in matrix order. */
export function plannedOnPullRequest(outputs: Record<string, Value>): string[] {
  const workflow = loadWorkflow("plan.yml");
  return jobRuns(workflow.jobs.plan, runContexts(workflow, { name: "pull_request" }, outputs)).map(
    (run) => String(interpolate("${{ matrix.environment.name }}", run)),
  );
}

/** What deploy.yml hands deploy-stacks.yml for each stack it deploys, in order (parsed). */
export function deployCalls(outputs: Record<string, Value>, event: Event): Record<string, Value>[] {
  const workflow = loadWorkflow("deploy.yml");
  const job = workflow.jobs.deploy;
  return jobRuns(job, runContexts(workflow, event, outputs)).map(
    (run) => JSON.parse(String(callInputs(job, run).deploy)) as Record<string, Value>,
  );
}
