/**
 * `npm run plan-summary -- <file> ...`: the summary `npm run plan` writes, from the output of
 * `terraform show -json <planfile>` of any set of stacks, for a team with its own runner (the role
 * tf-summarize plays). Each file is one stack, named `name=file` or after the file. With a synth
 * output (`--synth`), resources are named by construct path and protected as configured.
 */
import * as path from "path";
import { shortUsage, type CommandHelp } from "../lib/help";
import { logText } from "./escape";
import { orderStacks, readManifest, STACK_NAME, type ManifestStack } from "./manifest";
import { GITHUB_COMMENT_LIMIT } from "./markdown";
import { renderSummary, writeSummaryFiles } from "./output";
import type { TerraformPlanJson } from "./plan-json";
import { referencesFromPlan } from "./cross-stack";
import { EMPTY_STACK_CONFIG, fromStackFile, readStackConfig, stateBucketOf } from "./stack-config";
import {
  EXIT_CHANGES,
  EXIT_ERROR,
  EXIT_NO_CHANGES,
  exitStatus,
  type StackPlanInput,
} from "./summary";
import { isMissingValue, wholeNumber } from "../lib/args";
import { readBoundedFile } from "../lib/bounded-file";
import { isRecord } from "../lib/is-record";

/** Largest plan JSON read: far above any real stack's, far below what would exhaust memory. */
export const MAX_PLAN_JSON_BYTES = 256 * 1024 * 1024;

export const PLAN_SUMMARY_HELP: CommandHelp = {
  usage: "npm run plan-summary -- [<stack>=]<plan.json> ... [options]",
  summary:
    "Renders the plan summary (summary.md and summary.json, as npm run plan writes them) from " +
    "the output of `terraform show -json <planfile>`, one file per stack. A stack is named " +
    "<stack>=<file>, else after its file (dev-infra.json → dev-infra; <dir>/plan.json → <dir>).",
  options: [
    [
      "--outdir <dir>",
      "write summary.md and summary.json into this new or empty folder, or over an earlier summary " +
        "there; a folder holding other files is refused (default: summary.md on stdout)",
    ],
    [
      "--synth <dir>",
      "a cdktf synth output (cdktf.out): construct paths, prevent_destroy, stack dependencies",
    ],
    [
      "--max-chars <n>",
      `longest summary.md, 1000 to ${GITHUB_COMMENT_LIMIT} (default ${GITHUB_COMMENT_LIMIT - 1_536})`,
    ],
    ["--offline", "say the plans were made offline (fake credentials, local state)"],
    [
      "--fail-on-protected-destroy",
      "exit 1 if a protected resource would be replaced or destroyed",
    ],
    ["--fail-on-destroy", "exit 1 if anything would be replaced or destroyed"],
  ],
  examples: [
    "terraform -chdir=infra show -json plan.tfplan > infra.json",
    "npm run plan-summary -- infra.json platform.json",
    "npm run plan-summary -- dev-infra=infra.json --outdir summary/",
    "npm run plan-summary -- --synth cdktf.out cdktf.out/stacks/*/plan.json",
  ],
  exit: [
    [EXIT_NO_CHANGES, "nothing would change"],
    [EXIT_CHANGES, "something would change"],
    [EXIT_ERROR, "a file is not a plan, a --fail-on-* condition, or bad arguments"],
  ],
};

export interface PlanSummaryArgs {
  readonly files: readonly { readonly stack: string; readonly file: string }[];
  readonly outdir?: string;
  readonly synth?: string;
  readonly maxChars: number;
  readonly offline: boolean;
  readonly failOnDestroy: boolean;
  readonly failOnProtectedDestroy: boolean;
}

const usageError = (message: string) => new Error(`${message}\n${shortUsage(PLAN_SUMMARY_HELP)}`);

/** `dev-infra.json` → dev-infra; `cdktf.out/stacks/dev-infra/plan.json` → dev-infra. */
export function stackNameOf(file: string): string {
  const base = path.basename(file);
  if (base === "plan.json") return path.basename(path.dirname(path.resolve(file)));
  return base.replace(/\.json$/, "").replace(/\.(tf)?plan$/, "");
}

export function parsePlanSummaryArgs(argv: readonly string[]): PlanSummaryArgs {
  const files: { stack: string; file: string }[] = [];
  let outdir: string | undefined;
  let synth: string | undefined;
  let maxChars = GITHUB_COMMENT_LIMIT - 1_536;
  let offline = false;
  let failOnDestroy = false;
  let failOnProtectedDestroy = false;
  const value = (option: string, given: string | undefined): string => {
    if (isMissingValue(given)) throw usageError(`${option} needs a value`);
    return given;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--outdir") outdir = path.resolve(value(arg, argv[++i]));
    else if (arg === "--synth") synth = path.resolve(value(arg, argv[++i]));
    else if (arg === "--offline") offline = true;
    else if (arg === "--fail-on-destroy") failOnDestroy = true;
    else if (arg === "--fail-on-protected-destroy") failOnProtectedDestroy = true;
    else if (arg === "--max-chars") {
      const n = wholeNumber(value(arg, argv[++i]), 1_000, GITHUB_COMMENT_LIMIT);
      if (n === undefined) {
        throw usageError(`--max-chars must be a whole number from 1000 to ${GITHUB_COMMENT_LIMIT}`);
      }
      maxChars = n;
    } else if (arg.startsWith("-")) throw usageError(`unknown option ${logText(arg, 100)}`);
    else {
      const named = /^([A-Za-z0-9][\w.-]*)=(.+)$/.exec(arg);
      const stack = named ? named[1] : stackNameOf(arg);
      if (!STACK_NAME.test(stack)) {
        throw usageError(
          `${logText(arg, 100)} does not name a stack (letters, digits, ".", "_", "-"): ` +
            "name it with <stack>=<file>",
        );
      }
      files.push({ stack, file: named ? named[2] : arg });
    }
  }
  if (files.length === 0) throw usageError("name at least one plan JSON file");
  const names = files.map((f) => f.stack);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) {
    throw usageError(
      `two files name stack ${logText(twice[0], 100)}: name them apart with <stack>=<file>`,
    );
  }
  return { files, outdir, synth, maxChars, offline, failOnDestroy, failOnProtectedDestroy };
}

/** Terraform's action lists (its JSON format, and the forget forms of Terraform 1.7+). */
const ACTION_LISTS = new Set([
  "no-op",
  "create",
  "read",
  "update",
  "delete",
  "delete,create",
  "create,delete",
  "forget",
  "create,forget",
  "forget,create",
]);

/**
 * The deepest nesting a plan may have. Real resources' values are a few dozen levels deep at most;
 * the summary compares values recursively, and a hostile file 5,000 levels deep would overflow it.
 */
const MAX_PLAN_DEPTH = 128;

/** Whether `value` nests objects or arrays deeper than `limit` (walked without recursion). */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth > limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/** What makes `value` not a plan the summary can read, or undefined. */
function planShapeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "not a JSON object";
  if (nestedDeeperThan(value, MAX_PLAN_DEPTH)) {
    return `values nested deeper than ${MAX_PLAN_DEPTH} levels`;
  }
  if (typeof value.format_version !== "string") return "no format_version";
  const changes = value.resource_changes ?? [];
  if (!Array.isArray(changes)) return "resource_changes is not a list";
  for (const [i, change] of changes.entries()) {
    const at = `resource_changes[${i}]`;
    if (!isRecord(change)) return `${at} is not an object`;
    for (const field of ["address", "type", "name"]) {
      if (typeof change[field] !== "string") return `${at} has no ${field} string`;
    }
    const actions = isRecord(change.change) ? change.change.actions : undefined;
    if (!Array.isArray(actions) || !ACTION_LISTS.has(actions.join(","))) {
      return `${at}.change.actions is ${logText(JSON.stringify(actions) ?? "missing", 80)}, not an action list Terraform writes`;
    }
  }
  const outputs = value.output_changes ?? {};
  if (!isRecord(outputs)) return "output_changes is not an object";
  for (const [name, change] of Object.entries(outputs)) {
    const actions = isRecord(change) ? change.actions : undefined;
    if (!Array.isArray(actions) || !ACTION_LISTS.has(actions.join(","))) {
      return `output_changes[${logText(JSON.stringify(name), 80)}].actions is not an action list Terraform writes`;
    }
  }
  return undefined;
}

/** A plan file, read with a size cap and checked to be `terraform show -json` of a plan. */
export function readPlanJson(file: string): TerraformPlanJson {
  const where = logText(file, 300);
  const text = readBoundedFile(file, MAX_PLAN_JSON_BYTES, "plan");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${where}: not JSON (${logText(error instanceof Error ? error.message : String(error), 200)})`,
    );
  }
  const problem = planShapeProblem(parsed);
  if (problem !== undefined) {
    throw new Error(`${where}: not the output of \`terraform show -json <planfile>\` (${problem})`);
  }
  return parsed as TerraformPlanJson;
}

/** The stacks of the files, dependencies first (from the synth output, else the plans' remote states). */
function inputsOf(args: PlanSummaryArgs): StackPlanInput[] {
  const manifest = args.synth ? readManifest(args.synth) : [];
  const byName = new Map<string, ManifestStack>(manifest.map((s) => [s.name, s]));
  const planned = args.files.map(({ stack, file }) => ({ stack, plan: readPlanJson(file) }));
  const names = new Set(planned.map((p) => p.stack));
  const inputs = planned.map(({ stack, plan }): StackPlanInput => {
    const synthesized = byName.get(stack);
    const dependencies = synthesized
      ? synthesized.dependencies
      : [...new Set(Object.values(referencesFromPlan(plan).remoteStates))];
    return {
      name: stack,
      status: "planned",
      dependencies,
      config: synthesized ? readStackConfig(synthesized.synthesizedStackPath) : EMPTY_STACK_CONFIG,
      planJson: plan,
    };
  });
  // Only dependencies among the files order them; the others are drawn, not waited for.
  return orderStacks(
    inputs.map((input) => ({
      ...input,
      dependencies: input.dependencies.filter((d) => names.has(d)),
    })),
  ).map((ordered) => inputs.find((input) => input.name === ordered.name) as StackPlanInput);
}

/** The whole command; returns the exit status. Markdown goes to `out` without --outdir. */
export function runPlanSummary(
  argv: readonly string[],
  out: (text: string) => void,
  log: (line: string) => void,
): number {
  const args = parsePlanSummaryArgs(argv);
  const inputs = inputsOf(args);
  const stateBuckets = args.synth
    ? readManifest(args.synth).flatMap((s) => {
        const bucket = fromStackFile(s.synthesizedStackPath, stateBucketOf);
        return bucket ? [bucket] : [];
      })
    : [];
  const options = { offline: args.offline, stateBuckets, maxChars: args.maxChars };
  let summary;
  if (args.outdir) {
    summary = writeSummaryFiles(args.outdir, inputs, options);
    log(`summary: ${path.join(args.outdir, "summary.md")}`);
  } else {
    const rendered = renderSummary(inputs, { ...options, planDirectory: "." });
    out(rendered.markdown);
    summary = rendered.summary;
  }
  const status = exitStatus(summary, args);
  if (status.failure) log(`exit ${EXIT_ERROR}: ${logText(status.failure)}`);
  return status.code;
}
