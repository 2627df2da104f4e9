/**
 * Running the real Terraform CLI from tests: synthesized stacks are initialized from the shared
 * plugin cache (scripts/lib/terraform.ts) and validated or planned offline, several at a time.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, LocalBackend, TerraformStack } from "cdktf";
import { terraformEnvironment, type TerraformResult } from "../../scripts/lib/terraform";
import { awsProvider } from "../../stacks/aws-provider";

export const ACCOUNT = "111111111111";
export const REGION = "ap-northeast-2";
export const OWNER = "platform-team";

/** Tags `awsProvider` adds to every resource, so prior state can hold them in `tags_all`. */
export function defaultTags(environment: string): Record<string, string> {
  return { environment, "managed-by": "cdktf", owner: OWNER };
}

/** `runTerraform`, but asynchronous, so that a few stacks are checked side by side. */
export function terraform(cwd: string, args: readonly string[]): Promise<TerraformResult> {
  const tf = terraformEnvironment();
  if (!tf.cli) throw new Error("terraform is not installed");
  return new Promise((resolve, reject) => {
    const child = spawn(tf.cli!, [...args], { cwd, env: tf.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? 1, stdout, stderr }));
  });
}

/** Runs `fn` over `items` with at most `limit` in flight (the machine has two cores). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const CONCURRENCY = Math.max(1, Math.min(2, os.cpus().length));

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string };
}

export interface Validation {
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/** Inits of this process, chained so that only one runs at a time. */
let initQueue: Promise<unknown> = Promise.resolve();
const CACHE_RACE = /failed to create directory[\s\S]*file exists/;

/**
 * `terraform init` in a fresh directory (no lock file) re-installs the provider into the shared
 * plugin cache, and two such inits at once collide there ("file exists"). Inits of this process
 * run one at a time; one from another process can still collide, so that error is retried once.
 */
function initSerially(dir: string): Promise<TerraformResult> {
  const args = ["init", "-input=false", "-no-color"];
  const run = initQueue.then(async () => {
    const first = await terraform(dir, args);
    if (first.status === 0 || !CACHE_RACE.test(first.stderr)) return first;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return terraform(dir, args);
  });
  initQueue = run.catch(() => undefined);
  return run;
}

async function init(dir: string): Promise<Validation | undefined> {
  const result = await initSerially(dir);
  return result.status === 0
    ? undefined
    : {
        valid: false,
        diagnostics: [
          { severity: "error", summary: "terraform init failed", detail: result.stderr },
        ],
      };
}

/**
 * `terraform validate -json` of several synthesized stacks in one run: each stack becomes a module
 * of one root (without its backend, which only a root may have), so Terraform starts the aws
 * provider and decodes its schema once, not once per stack (about 4 CPU seconds each). Every
 * diagnostic goes back to its stack by the file it names; one that names no file, to every stack.
 */
export async function validateTogether(dirs: readonly string[]): Promise<Validation[]> {
  const root = tempDir("platform-validate-");
  try {
    const modules: Record<string, Record<string, string>> = {};
    const variables: Record<string, { type?: string }> = {};
    dirs.forEach((dir, i) => {
      const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as {
        terraform?: { backend?: unknown };
        variable?: Record<string, { type?: string; default?: unknown }>;
      };
      delete config.terraform?.backend;
      fs.mkdirSync(path.join(root, `s${i}`));
      fs.writeFileSync(path.join(root, `s${i}`, "cdk.tf.json"), JSON.stringify(config));
      modules[`s${i}`] = { source: `./s${i}` };
      // A stack's variable without a default is unknown while validating, as a root's is: pass
      // it a root variable of the same type.
      for (const [name, variable] of Object.entries(config.variable ?? {})) {
        if ("default" in variable) continue;
        variables[`s${i}_${name}`] = { type: variable.type };
        modules[`s${i}`][name] = `\${var.s${i}_${name}}`;
      }
    });
    fs.writeFileSync(
      path.join(root, "main.tf.json"),
      JSON.stringify({
        module: modules,
        ...(Object.keys(variables).length ? { variable: variables } : {}),
      }),
    );
    const failed = await init(root);
    if (failed) return dirs.map(() => failed);
    const result = await terraform(root, ["validate", "-no-color", "-json"]);
    const { diagnostics } = JSON.parse(result.stdout) as Validation;
    return dirs.map((_, i) => {
      const own = diagnostics.filter(
        (d) => !d.range?.filename || d.range.filename.startsWith(`s${i}/`),
      );
      return { valid: !own.some((d) => d.severity === "error"), diagnostics: own };
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    /** Attribute paths that force the replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
  };
}

/** `terraform init`, `plan -refresh=false` against the directory's local state, `show -json`. */
export async function initAndPlan(dir: string): Promise<ResourceChange[]> {
  const failed = await init(dir);
  if (failed) throw new Error(failed.diagnostics[0].detail);
  const plan = await terraform(dir, [
    "plan",
    "-input=false",
    "-no-color",
    "-refresh=false",
    "-out=plan.tfplan",
  ]);
  if (plan.status !== 0) throw new Error(`terraform plan failed in ${dir}:\n${plan.stderr}`);
  const show = await terraform(dir, ["show", "-json", "plan.tfplan"]);
  return (JSON.parse(show.stdout) as { resource_changes: ResourceChange[] }).resource_changes;
}

/** A temporary directory for synthesized stacks; remove it with `fs.rmSync` after the tests. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Synthesizes one stack the way the environment stacks are (offline aws provider with default
 * tags) into `<outdir>/stacks/<id>`, with its state in `terraform.tfstate` there, and returns that
 * directory and the synthesized JSON.
 */
export function synthStackDir(
  outdir: string,
  id: string,
  build: (stack: TerraformStack) => void,
): { dir: string; json: Record<string, unknown> } {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, id);
  awsProvider(stack, {
    environment: id,
    owner: OWNER,
    target: { accountId: ACCOUNT, region: REGION },
    offline: true,
  });
  new LocalBackend(stack, { path: "terraform.tfstate" });
  build(stack);
  app.synth();
  const dir = path.join(outdir, "stacks", id);
  const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as Record<
    string,
    unknown
  >;
  return { dir, json };
}

/** Errors of a validation, one line each, for readable test failures. */
export function errorsOf(validation: Validation): string[] {
  return validation.diagnostics
    .filter((d) => d.severity === "error")
    .map((d) => `${d.summary}: ${d.detail ?? ""}`);
}
