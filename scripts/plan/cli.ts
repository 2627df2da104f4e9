/**
 * `npm run plan [-- <stack> ...] [options]`: synthesizes the app, plans the selected stacks in
 * promotion order (dependencies first) and writes `<outdir>/plan/`: summary.md (the pull-request
 * comment), summary.json, and each stack's full text plan as `<stack>.txt`.
 *
 * Exits 0 when nothing would change, 2 when something would, 1 on an error or a `--fail-on-*`
 * condition, like `terraform plan -detailed-exitcode`.
 */
import * as fs from "fs";
import * as path from "path";
import { isOffline } from "../../stacks/offline";
import { synthesize } from "../lib/synth";
import { orderStacks, readManifest, selectStacks, type ManifestStack } from "./manifest";
import { GITHUB_COMMENT_LIMIT, planTextFile, renderMarkdown } from "./markdown";
import { planStack } from "./runner";
import {
  baselineStackConfig,
  EMPTY_STACK_CONFIG,
  stateBucketOf,
  withBaseline,
} from "./stack-config";
import { buildSummary, EXIT_ERROR, exitStatus, type StackPlanInput } from "./summary";

/** Room left in a GitHub comment for the workflow's own header around the summary. */
const DEFAULT_MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536;

export interface PlanArgs {
  readonly stacks: readonly string[];
  readonly offline: boolean;
  /** Exit 1 when anything would be replaced or destroyed. */
  readonly failOnDestroy: boolean;
  /** Exit 1 when a protected resource would be replaced or destroyed. */
  readonly failOnProtectedDestroy: boolean;
  /** Reuse an existing synth output instead of running the app. */
  readonly synth: boolean;
  readonly outdir: string;
  /**
   * A synth output of the base branch: resources it protects count as protected too, so removing a
   * protected resource together with its `prevent_destroy` is still caught.
   */
  readonly protectedBaseline?: string;
  /** Longest summary.md; the text plans are cut to fit. */
  readonly maxChars: number;
}

export const USAGE =
  "usage: npm run plan [-- <stack> ...] [--offline] [--fail-on-destroy] [--fail-on-protected-destroy] " +
  "[--no-synth] [--outdir <dir>] [--protected-baseline <dir>] [--max-chars <n>]";

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PlanArgs {
  const stacks: string[] = [];
  let offline = isOffline(env);
  let failOnDestroy = false;
  let failOnProtectedDestroy = false;
  let synth = true;
  let outdir = env.CDKTF_OUTDIR || "cdktf.out";
  let protectedBaseline: string | undefined;
  let maxChars = DEFAULT_MAX_CHARS;
  const value = (option: string, what: string, given: string | undefined): string => {
    if (!given || given.startsWith("-")) throw new Error(`${option} needs ${what}\n${USAGE}`);
    return given;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--offline") offline = true;
    else if (arg === "--fail-on-destroy") failOnDestroy = true;
    else if (arg === "--fail-on-protected-destroy") failOnProtectedDestroy = true;
    else if (arg === "--no-synth") synth = false;
    else if (arg === "--outdir") outdir = value(arg, "a directory", argv[++i]);
    else if (arg === "--protected-baseline")
      protectedBaseline = path.resolve(value(arg, "a directory", argv[++i]));
    else if (arg === "--max-chars") {
      maxChars = Number(value(arg, "a number", argv[++i]));
      if (!Number.isInteger(maxChars) || maxChars < 1_000 || maxChars > GITHUB_COMMENT_LIMIT) {
        throw new Error(`--max-chars must be a whole number from 1000 to ${GITHUB_COMMENT_LIMIT}`);
      }
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else stacks.push(arg);
  }
  return {
    stacks,
    offline,
    failOnDestroy,
    failOnProtectedDestroy,
    synth,
    outdir: path.resolve(outdir),
    protectedBaseline,
    maxChars,
  };
}

/** Buckets any stack of the app keeps its state in (online; offline every backend is local). */
function stateBuckets(stacks: readonly ManifestStack[]): string[] {
  return stacks.flatMap((s) => {
    const bucket = stateBucketOf(JSON.parse(fs.readFileSync(s.synthesizedStackPath, "utf8")));
    return bucket ? [bucket] : [];
  });
}

function planAll(
  stacks: readonly ManifestStack[],
  args: PlanArgs,
  log: (line: string) => void,
): StackPlanInput[] {
  const results = new Map<string, StackPlanInput>();
  stacks.forEach((stack, index) => {
    const progress = `[${index + 1}/${stacks.length}]`;
    const blocked = stack.dependencies.filter(
      (d) => results.has(d) && results.get(d)?.status !== "planned",
    );
    let result: StackPlanInput;
    if (blocked.length > 0) {
      const reason = `depends on ${blocked.join(", ")}, which was not planned`;
      log(`${progress} ${stack.name}: not planned (${reason})`);
      result = {
        name: stack.name,
        status: "not-planned",
        reason,
        dependencies: stack.dependencies,
        config: EMPTY_STACK_CONFIG,
      };
    } else {
      result = planStack(stack, { offline: args.offline, progress, log });
    }
    const baseline = args.protectedBaseline
      ? baselineStackConfig(args.protectedBaseline, stack.name)
      : EMPTY_STACK_CONFIG;
    results.set(stack.name, { ...result, config: withBaseline(result.config, baseline) });
  });
  return [...results.values()];
}

/** The whole run, with progress on `log`; returns the exit status. */
export function run(
  argv: readonly string[],
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const args = parseArgs(argv);
  if (args.offline) log("offline: local state, fake credentials, no refresh");
  if (args.synth)
    synthesize({ cwd: process.cwd(), outdir: args.outdir, offline: args.offline, log });

  const manifest = readManifest(args.outdir);
  const inputs = planAll(selectStacks(orderStacks(manifest), args.stacks), args, log);
  const summary = buildSummary(inputs, {
    offline: args.offline,
    stateBuckets: stateBuckets(manifest),
  });

  const planDir = path.join(args.outdir, "plan");
  fs.rmSync(planDir, { recursive: true, force: true });
  fs.mkdirSync(planDir, { recursive: true });
  const planTexts = new Map(
    inputs.flatMap((i) => (i.planText ? [[i.name, i.planText] as const] : [])),
  );
  for (const [stack, text] of planTexts)
    fs.writeFileSync(path.join(planDir, planTextFile(stack)), text);
  fs.writeFileSync(path.join(planDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(
    path.join(planDir, "summary.md"),
    renderMarkdown(summary, {
      planTexts,
      maxChars: args.maxChars,
      planDirectory: path.relative(process.cwd(), planDir) || ".",
    }),
  );

  for (const s of summary.stacks) {
    const { create, update, replace, delete: destroy } = s.counts;
    const counts = `+${create} ~${update} ±${replace} -${destroy}`;
    log(`${s.name}: ${s.status}${s.status === "planned" ? ` ${counts}` : `: ${s.reason}`}`);
  }
  for (const p of summary.protectedDestroys)
    log(
      `PROTECTED resource would be ${p.kind === "replace" ? "replaced" : "destroyed"}: ${p.stack} ${p.name}`,
    );
  log(`summary: ${path.join(planDir, "summary.md")}`);
  const status = exitStatus(summary, args);
  if (status.failure) log(`exit ${EXIT_ERROR}: ${status.failure}`);
  return status.code;
}
