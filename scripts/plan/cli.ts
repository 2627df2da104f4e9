/**
 * `npm run plan [-- <stack> ...] [options]`: synthesizes the app, plans the selected stacks in
 * promotion order (dependencies first; stacks that do not read each other side by side) and writes
 * `<outdir>/plan/`: summary.md (the pull-request comment), summary.json, and each stack's full text
 * plan as `<stack>.txt`. Each stack's saved plan stays in its working folder as `plan.tfplan`.
 *
 * Exits 0 when nothing would change, 2 when something would, 1 on an error or a `--fail-on-*`
 * condition, like `terraform plan -detailed-exitcode`.
 */
import * as path from "path";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { isOffline } from "../../stacks/offline";
import { isMissingValue, wholeNumber } from "../lib/args";
import { renderHelp, shortUsage, wantsHelp, type CommandHelp } from "../lib/help";
import { synthesize } from "../lib/synth";
import { logText } from "./escape";
import { defaultOutdir, OFFLINE_OUTDIR, ONLINE_OUTDIR } from "./outdir";
import { promotionOrder, readManifest, selectStacks, type ManifestStack } from "./manifest";
import { GITHUB_COMMENT_LIMIT } from "./markdown";
import { writeSummaryFiles } from "./output";
import { planStack } from "./runner";
import { defaultJobs, NO_CREDENTIALS_HINT, outcomeLine, planInOrder } from "./schedule";
import { baselineStackConfig, fromStackFile, stateBucketOf, withBaseline } from "./stack-config";
import { EXIT_CHANGES, EXIT_ERROR, EXIT_NO_CHANGES, exitStatus } from "./summary";

/** Room left in a GitHub comment for the workflow's own header around the summary. */
const DEFAULT_MAX_CHARS = GITHUB_COMMENT_LIMIT - 1_536;

export const PLAN_HELP: CommandHelp = {
  usage: "npm run plan [-- <stack> ...] [options]",
  summary:
    "Synthesizes the app and plans the named stacks (all by default) in promotion order, stacks " +
    "that do not read each other side by side, then writes <outdir>/plan/: summary.md (the " +
    "pull-request comment), summary.json and each stack's text plan. Each stack's saved plan is " +
    "plan.tfplan in its working folder (<outdir>/stacks/<stack>/).",
  options: [
    [
      "--offline",
      `no AWS account: fake credentials, local state, no refresh; uses ${OFFLINE_OUTDIR}/ (also PLATFORM_OFFLINE=1)`,
    ],
    [
      "--fail-on-protected-destroy",
      "exit 1 if a protected resource would be replaced or destroyed",
    ],
    [
      "--fail-on-destroy",
      "exit 1 if anything would be replaced or destroyed, Kubernetes objects included",
    ],
    ["--no-synth", "plan an existing synth output instead of synthesizing"],
    [
      "--outdir <dir>",
      `synth output folder (default: $CDKTF_OUTDIR, else ${ONLINE_OUTDIR}/, or ${OFFLINE_OUTDIR}/ offline)`,
    ],
    [
      "--protected-baseline <dir>",
      "a synth output of the base branch: what it protects stays protected",
    ],
    [
      "--max-chars <n>",
      `longest summary.md, 1000 to ${GITHUB_COMMENT_LIMIT} (default ${DEFAULT_MAX_CHARS})`,
    ],
    [
      "--jobs <n>",
      "stacks planned at once (default: one more than the cores, as many as free memory holds, at most 4)",
    ],
    [
      "--no-rendered-manifests",
      "do not ask the helm provider for rendered manifests (the summary then reads releases' values)",
    ],
  ],
  examples: [
    "npm run plan                                   # every stack, with your AWS credentials",
    "npm run plan -- dev-infra dev-platform         # only these stacks, in promotion order",
    "npm run plan -- --offline                      # no AWS account needed",
    "npm run plan -- --fail-on-protected-destroy    # exit 1 if a protected resource would go",
    "npm run plan-summary -- dev-infra.json         # the same summary from your own plan JSON",
  ],
  exit: [
    [EXIT_NO_CHANGES, "nothing would change"],
    [EXIT_CHANGES, "something would change (read summary.md)"],
    [
      EXIT_ERROR,
      "a plan failed; online, a stack could not be planned (one waiting for another stack's " +
        "apply does not count); a --fail-on-* condition; bad arguments",
    ],
  ],
};

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
  /** Stacks planned at once. */
  readonly jobs: number;
  /** Ask the helm provider for rendered manifests. */
  readonly renderedManifests: boolean;
}

const usageError = (message: string) => new Error(`${message}\n${shortUsage(PLAN_HELP)}`);

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PlanArgs {
  const stacks: string[] = [];
  let offline = isOffline(env);
  let failOnDestroy = false;
  let failOnProtectedDestroy = false;
  let synth = true;
  let outdir: string | undefined;
  let protectedBaseline: string | undefined;
  let maxChars = DEFAULT_MAX_CHARS;
  let jobs = defaultJobs();
  let renderedManifests = true;
  const value = (option: string, what: string, given: string | undefined): string => {
    if (isMissingValue(given)) throw usageError(`${option} needs ${what}`);
    return given;
  };
  const whole = (option: string, text: string, min: number, max: number): number => {
    const n = wholeNumber(text, min, max);
    if (n === undefined) throw usageError(`${option} must be a whole number from ${min} to ${max}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--offline") offline = true;
    else if (arg === "--fail-on-destroy") failOnDestroy = true;
    else if (arg === "--fail-on-protected-destroy") failOnProtectedDestroy = true;
    else if (arg === "--no-synth") synth = false;
    else if (arg === "--no-rendered-manifests") renderedManifests = false;
    else if (arg === "--outdir") outdir = value(arg, "a directory", argv[++i]);
    else if (arg === "--protected-baseline")
      protectedBaseline = path.resolve(value(arg, "a directory", argv[++i]));
    else if (arg === "--max-chars")
      maxChars = whole(arg, value(arg, "a number", argv[++i]), 1_000, GITHUB_COMMENT_LIMIT);
    else if (arg === "--jobs") jobs = whole(arg, value(arg, "a number", argv[++i]), 1, 16);
    else if (arg.startsWith("-")) throw usageError(`unknown option ${logText(arg, 100)}`);
    else stacks.push(arg);
  }
  return {
    stacks,
    offline,
    failOnDestroy,
    failOnProtectedDestroy,
    synth,
    outdir: path.resolve(outdir ?? defaultOutdir(offline, env)),
    protectedBaseline,
    maxChars,
    jobs,
    renderedManifests,
  };
}

interface SynthesizedStack {
  readonly provider?: { readonly aws?: unknown };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly terraform?: { readonly backend?: { readonly s3?: unknown } };
}

const readStack = (stack: ManifestStack) =>
  fromStackFile(stack.synthesizedStackPath, (json) => json as SynthesizedStack);

/** Buckets any stack of the app keeps its state in (online; offline every backend is local). */
function stateBuckets(stacks: readonly ManifestStack[]): string[] {
  return stacks.flatMap((s) => {
    const bucket = stateBucketOf(readStack(s));
    return bucket ? [bucket] : [];
  });
}

/** The environments in promotion order; none (manifest order) when the files do not load. */
function promotion(log: (line: string) => void): string[] {
  try {
    return shippedEnvironmentFiles().map((f) => f.environment.name);
  } catch {
    log("the environment files do not load: stacks are planned in the synth output's order");
    return [];
  }
}

/** The whole run, with progress on `log`; returns the exit status. */
export async function run(
  argv: readonly string[],
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(renderHelp(PLAN_HELP));
    return EXIT_NO_CHANGES;
  }
  const args = parseArgs(argv);
  if (args.offline) log("offline: local state, fake credentials, no refresh");
  if (args.synth)
    synthesize({ cwd: process.cwd(), outdir: args.outdir, offline: args.offline, log });

  const manifest = readManifest(args.outdir);
  const selected = selectStacks(promotionOrder(manifest, promotion(log)), args.stacks);
  log(`planning ${selected.length} stack(s), ${args.jobs} at a time`);
  const results = await planInOrder(
    selected,
    {
      jobs: args.jobs,
      offline: args.offline,
      log,
      usesAws: (stack) => {
        const json = readStack(stack);
        return !!json.provider?.aws || !!json.terraform?.backend?.s3;
      },
      weight: (stack) =>
        Object.values(readStack(stack).resource ?? {}).reduce(
          (n, byName) => n + Object.keys(byName).length,
          0,
        ),
    },
    (stack, progress) =>
      planStack(stack, {
        offline: args.offline,
        progress,
        log,
        renderedManifests: args.renderedManifests,
      }),
  );
  const inputs = results.map((result) => ({
    ...result,
    config: args.protectedBaseline
      ? withBaseline(result.config, baselineStackConfig(args.protectedBaseline, result.name))
      : result.config,
  }));
  const planDir = path.join(args.outdir, "plan");
  const summary = writeSummaryFiles(planDir, inputs, {
    offline: args.offline,
    stateBuckets: stateBuckets(manifest),
    maxChars: args.maxChars,
  });

  // Stacks finish in any order; the recap keeps promotion order.
  for (const input of inputs) log(outcomeLine(input));
  for (const p of summary.protectedDestroys)
    log(
      `PROTECTED resource would be ${p.kind === "replace" ? "replaced" : "destroyed"}: ${logText(p.stack)} ${logText(p.name, 300)}`,
    );
  if (results.some((r) => "noCredentials" in r && r.noCredentials)) log(NO_CREDENTIALS_HINT);
  log(`summary: ${path.join(planDir, "summary.md")}`);
  const status = exitStatus(summary, args);
  if (status.failure) log(`exit ${EXIT_ERROR}: ${logText(status.failure)}`);
  return status.code;
}
