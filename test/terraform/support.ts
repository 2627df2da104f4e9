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
import { scratchDir } from "../support/scratch";

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

/**
 * `init` records the provider's `h1:` hash in the directory's lock file, and every later command
 * there reads the whole 700 MB provider binary again to check it against that hash (about 0.6 CPU
 * seconds each; Terraform skips the check for a provider locked without hashes). In these scratch
 * directories init took the package from the machine's mirror a moment before, so the check
 * proves nothing: the hashes are dropped, the version stays locked.
 */
export function dropLockedHashes(dir: string): void {
  const lock = path.join(dir, ".terraform.lock.hcl");
  fs.writeFileSync(
    lock,
    fs.readFileSync(lock, "utf8").replace(/\n\s*hashes\s*=\s*\[[^\]]*\]/g, ""),
  );
}

async function init(dir: string): Promise<Validation | undefined> {
  const result = await initSerially(dir);
  if (result.status !== 0) {
    return {
      valid: false,
      diagnostics: [{ severity: "error", summary: "terraform init failed", detail: result.stderr }],
    };
  }
  dropLockedHashes(dir);
  return undefined;
}

/** Rewrites a stack's configuration text before it becomes a module of a shared root. */
export type ConfigEdit = (configText: string) => string;

interface StackConfig {
  terraform?: { backend?: unknown };
  provider?: Record<string, { alias?: string }[]>;
  variable?: Record<string, { type?: string; default?: unknown }>;
}

/** A root written by {@link writeModuleRoot}. */
export interface ModuleRoot {
  /** Each stack's files in the root: its module's folder, and its group's provider file if any. */
  readonly files: readonly (readonly string[])[];
  /** Where the provider configuration a stack's state names (`provider["..."]`) is in the root. */
  readonly providerAddress: (stack: number, address: string) => string;
}

/**
 * Writes a root at `root` with each stack of `dirs` a module of it (`s0`, `s1`, ...), so that one
 * Terraform run starts the aws provider and decodes its schema (about 3.5 CPU seconds, the most of
 * a small run) once, not once per stack. A JSON stack (`cdk.tf.json`) loses its backend, which
 * only a root may have, and a variable without a default gets a root variable of the same type
 * (unknown while validating, as a root's is). An HCL stack (`cdktf synth --hcl`, `cdk.tf`) is
 * taken as it is: Terraform ignores a child module's backend with a warning.
 *
 * Each provider configuration is a provider process of its own (about 0.8 CPU seconds), so JSON
 * stacks whose provider configurations are `alike` share one in the root, a configuration per
 * group in a file of its own (`provider-g<n>.tf.json`, where Terraform's diagnostics about it
 * point): the first group's is the default one, the others' have an alias (`g<n>`) that their
 * modules are given as their providers. A stack alike no other, or whose providers have aliases,
 * keeps its own.
 */
export function writeModuleRoot(
  root: string,
  dirs: readonly string[],
  options: { edits?: readonly (ConfigEdit | undefined)[]; alike: (config: unknown) => string },
): ModuleRoot {
  const { edits = [], alike } = options;
  const modules: Record<string, Record<string, unknown>> = {};
  const variables: Record<string, { type?: string }> = {};
  const stacks = dirs.map((dir, i) => {
    const hcl = !fs.existsSync(path.join(dir, "cdk.tf.json"));
    const raw = fs.readFileSync(path.join(dir, hcl ? "cdk.tf" : "cdk.tf.json"), "utf8");
    const text = edits[i]?.(raw) ?? raw;
    if (hcl) return { hcl: text };
    const config = JSON.parse(text) as StackConfig;
    delete config.terraform?.backend;
    return { config };
  });
  const byShape = new Map<string, number[]>();
  stacks.forEach(({ config }, i) => {
    const provider = config?.provider;
    if (!provider || Object.values(provider).some((list) => list.some((p) => p.alias))) return;
    const shape = alike(provider);
    byShape.set(shape, [...(byShape.get(shape) ?? []), i]);
  });
  const groups = [...byShape.values()].filter((members) => members.length > 1);
  const groupOf = new Map(groups.flatMap((members, g) => members.map((i) => [i, g] as const)));
  const alias = (g: number) => (g === 0 ? undefined : `g${g}`);
  const providerFile = (g: number) => `provider-g${g}.tf.json`;
  groups.forEach((members, g) => {
    const provider = Object.fromEntries(
      Object.entries(stacks[members[0]].config!.provider!).map(([type, [block]]) => [
        type,
        [{ ...block, ...(alias(g) ? { alias: alias(g) } : {}) }],
      ]),
    );
    fs.writeFileSync(path.join(root, providerFile(g)), JSON.stringify({ provider }));
  });
  stacks.forEach(({ hcl, config }, i) => {
    fs.mkdirSync(path.join(root, `s${i}`));
    modules[`s${i}`] = { source: `./s${i}` };
    if (!config) {
      fs.writeFileSync(path.join(root, `s${i}`, "cdk.tf"), hcl!);
      return;
    }
    const g = groupOf.get(i);
    if (g !== undefined) {
      const name = alias(g);
      if (name) {
        modules[`s${i}`].providers = Object.fromEntries(
          Object.keys(config.provider!).map((type) => [type, `${type}.${name}`]),
        );
      }
      delete config.provider;
    }
    fs.writeFileSync(path.join(root, `s${i}`, "cdk.tf.json"), JSON.stringify(config));
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
  return {
    files: stacks.map((_, i) => {
      const g = groupOf.get(i);
      return [`s${i}/`, ...(g === undefined ? [] : [providerFile(g)])];
    }),
    providerAddress: (i, address) => {
      const g = groupOf.get(i);
      if (g === undefined) return `module.s${i}.${address}`;
      return alias(g) ? `${address}.${alias(g)}` : address;
    },
  };
}

/**
 * The diagnostics of stack `i` of a root: those that name a file of its own, and those that name
 * no stack's file (none, or the root's `main.tf.json`).
 */
function diagnosticsOf(diagnostics: readonly Diagnostic[], root: ModuleRoot, i: number) {
  const owns = (files: readonly string[], file: string) => files.some((f) => file.startsWith(f));
  return diagnostics.filter((d) => {
    const file = d.range?.filename;
    return !file || owns(root.files[i], file) || !root.files.some((files) => owns(files, file));
  });
}

/** A value with every string, number and boolean in it replaced by its type. */
function shapeOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v !== "object" ? typeof v : v,
  );
}

/**
 * `terraform validate -json` of several synthesized stacks in one run (`writeModuleRoot`). Every
 * diagnostic goes back to its stack by the file it names (an error in a shared provider
 * configuration, to every stack that shares it); one that names no stack's file, to every stack.
 * Validation checks a configuration's structure and the types in it: stacks whose provider
 * configurations have the same structure (the environment's tags and region differ) share one.
 * The values of a provider configuration are checked where a stack is planned.
 */
export async function validateTogether(dirs: readonly string[]): Promise<Validation[]> {
  const root = scratchDir("platform-validate-");
  try {
    const written = writeModuleRoot(root, dirs, { alike: shapeOf });
    const failed = await init(root);
    if (failed) return dirs.map(() => failed);
    const result = await terraform(root, ["validate", "-no-color", "-json"]);
    const { diagnostics } = JSON.parse(result.stdout) as Validation;
    return dirs.map((_, i) => {
      const own = diagnosticsOf(diagnostics, written, i);
      return { valid: !own.some((d) => d.severity === "error"), diagnostics: own };
    });
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** A resource of a prior state file (`terraform.tfstate`, version 4). */
export interface StateResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly provider: string;
  readonly module?: string;
  readonly instances: readonly unknown[];
}

/** One stack of {@link planTogether}: its synthesized directory and what its state holds. */
export interface PlanCase {
  readonly dir: string;
  /** The resources of the stack's prior state. @default none: everything plans as a create */
  readonly state?: readonly StateResource[];
  /** Rewrites the configuration, for example a path that is relative to the stack's directory. */
  readonly edit?: ConfigEdit;
  /**
   * Addresses in the stack to plan (`-target`), with what they depend on.
   * @default the whole stack
   */
  readonly targets?: readonly string[];
}

export interface PlannedTogether {
  /** `terraform plan`'s exit status for all the stacks. */
  readonly status: number;
  /** Each stack's diagnostics (with those that name no stack's file). */
  readonly diagnostics: readonly Diagnostic[][];
  /** Each stack's resource changes, addressed as in its own stack; only when the plan succeeded. */
  readonly changes?: readonly ResourceChange[][];
}

/** `-target` options: none if no case has targets, else each case's targets or its whole module. */
function targets(cases: readonly PlanCase[]): string[] {
  if (!cases.some((c) => c.targets)) return [];
  return cases.flatMap((c, i) =>
    (c.targets ?? [""]).map((t) => `-target=module.s${i}${t ? `.${t}` : ""}`),
  );
}

/**
 * `terraform plan -refresh=false` of several stacks in one run (`writeModuleRoot`), each against
 * its own prior state: the root's state holds each stack's resources under its module, so the
 * plan, and `show -json` after it, start the aws provider once for all of them. Diagnostics and
 * resource changes go back to their stack, with the module prefix taken off their addresses.
 */
export async function planTogether(cases: readonly PlanCase[]): Promise<PlannedTogether> {
  const root = scratchDir("platform-plan-");
  try {
    const written = writeModuleRoot(
      root,
      cases.map((c) => c.dir),
      { edits: cases.map((c) => c.edit), alike: (config) => JSON.stringify(config) },
    );
    const resources = cases.flatMap((c, i) =>
      (c.state ?? []).map((r) => ({
        ...r,
        module: r.module ? `module.s${i}.${r.module}` : `module.s${i}`,
        provider: written.providerAddress(i, r.provider),
      })),
    );
    fs.writeFileSync(
      path.join(root, "terraform.tfstate"),
      JSON.stringify({
        version: 4,
        terraform_version: "1.11.4",
        serial: 1,
        lineage: "7d1c2a4e-0000-4000-8000-00000000707a",
        outputs: {},
        resources,
        check_results: null,
      }),
    );
    const failed = await init(root);
    if (failed) throw new Error(failed.diagnostics[0].detail);
    const plan = await terraform(root, [
      "plan",
      "-input=false",
      "-no-color",
      "-json",
      "-refresh=false",
      "-out=plan.tfplan",
      ...targets(cases),
    ]);
    const diagnostics = plan.stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { type: string; diagnostic?: Diagnostic })
      .flatMap((message) =>
        message.type === "diagnostic" && message.diagnostic ? [message.diagnostic] : [],
      );
    const own = cases.map((_, i) => diagnosticsOf(diagnostics, written, i));
    if (plan.status !== 0) return { status: plan.status, diagnostics: own };
    const show = await terraform(root, ["show", "-json", "plan.tfplan"]);
    if (show.status !== 0) throw new Error(`terraform show failed in ${root}:\n${show.stderr}`);
    const all =
      (JSON.parse(show.stdout) as { resource_changes?: ResourceChange[] }).resource_changes ?? [];
    const changes = cases.map((_, i) => {
      const prefix = `module.s${i}.`;
      return all
        .filter((c) => c.address.startsWith(prefix))
        .map((c) => ({ ...c, address: c.address.slice(prefix.length) }));
    });
    return { status: 0, diagnostics: own, changes };
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
