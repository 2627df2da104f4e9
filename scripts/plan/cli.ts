/**
 * `npm run plan [-- <stack> ...] [--offline] [--fail-on-protected-destroy] [--no-synth] [--outdir <dir>]
 * [--protected-baseline <dir>]`:
 * synthesizes the app, plans the selected stacks in dependency order and writes
 * `<outdir>/plan/summary.{md,json}`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OFFLINE_VARIABLE, isOffline } from "../../stacks/offline";
import { orderStacks, readManifest, selectStacks } from "./manifest";
import { protectedAddresses } from "./protected";
import { planStack } from "./runner";
import { buildSummary, exitCode, renderMarkdown, type StackPlanInput } from "./summary";

export interface PlanArgs {
  readonly stacks: readonly string[];
  readonly offline: boolean;
  readonly failOnProtectedDestroy: boolean;
  /** Reuse an existing synth output instead of running the app. */
  readonly synth: boolean;
  readonly outdir: string;
  /**
   * A synth output of the base branch: resources it protects count as protected too, so removing a
   * protected resource together with its `prevent_destroy` is still caught.
   */
  readonly protectedBaseline?: string;
}

export const USAGE =
  "usage: npm run plan [-- <stack> ...] [--offline] [--fail-on-protected-destroy] [--no-synth] [--outdir <dir>] [--protected-baseline <dir>]";

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PlanArgs {
  const stacks: string[] = [];
  let offline = isOffline(env);
  let failOnProtectedDestroy = false;
  let synth = true;
  let outdir = env.CDKTF_OUTDIR || "cdktf.out";
  let protectedBaseline: string | undefined;
  const directory = (option: string, value: string | undefined): string => {
    if (!value || value.startsWith("-")) throw new Error(`${option} needs a directory\n${USAGE}`);
    return path.resolve(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--offline") offline = true;
    else if (arg === "--fail-on-protected-destroy") failOnProtectedDestroy = true;
    else if (arg === "--no-synth") synth = false;
    else if (arg === "--outdir") outdir = directory(arg, argv[++i]);
    else if (arg === "--protected-baseline") protectedBaseline = directory(arg, argv[++i]);
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else stacks.push(arg);
  }
  return {
    stacks,
    offline,
    failOnProtectedDestroy,
    synth,
    outdir: path.resolve(outdir),
    protectedBaseline,
  };
}

/** Runs the app command from cdktf.json (what `cdktf synth` does) with the outdir set. */
function synthesize(args: PlanArgs, log: (line: string) => void): void {
  const config = JSON.parse(fs.readFileSync("cdktf.json", "utf8")) as { app: string };
  log(`synth: ${config.app} → ${path.relative(process.cwd(), args.outdir) || "."}…`);
  const started = Date.now();
  const result = spawnSync(config.app, {
    shell: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      CDKTF_OUTDIR: args.outdir,
      ...(args.offline ? { [OFFLINE_VARIABLE]: "1" } : {}),
    },
  });
  if (result.status !== 0)
    throw new Error(`synth failed (${config.app} exited with ${result.status})`);
  log(`synth: done (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Protected addresses of `stack` in a baseline synth output; none when the stack is new there. */
export function baselineProtected(baselineOutdir: string, stack: string): string[] {
  const file = path.join(baselineOutdir, "stacks", stack, "cdk.tf.json");
  return fs.existsSync(file) ? protectedAddresses(JSON.parse(fs.readFileSync(file, "utf8"))) : [];
}

/** The whole run; returns the exit status. */
export function run(argv: readonly string[]): number {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const args = parseArgs(argv);
  if (args.offline) log("offline: local state, fake credentials, no refresh");
  if (args.synth) synthesize(args, log);

  const stacks = selectStacks(orderStacks(readManifest(args.outdir)), args.stacks);
  const results = new Map<string, StackPlanInput>();
  stacks.forEach((stack, index) => {
    const progress = `[${index + 1}/${stacks.length}]`;
    const blocked = stack.dependencies.filter(
      (d) => results.has(d) && results.get(d)?.status !== "planned",
    );
    if (blocked.length > 0) {
      const reason = `depends on ${blocked.join(", ")}, which was not planned`;
      log(`${progress} ${stack.name}: not planned (${reason})`);
      results.set(stack.name, {
        name: stack.name,
        status: "not-planned",
        reason,
        dependencies: stack.dependencies,
        protectedAddresses: [],
      });
      return;
    }
    const result = planStack(stack, { offline: args.offline, progress, log });
    const baseline = args.protectedBaseline
      ? baselineProtected(args.protectedBaseline, stack.name)
      : [];
    results.set(stack.name, {
      ...result,
      protectedAddresses: [...new Set([...result.protectedAddresses, ...baseline])],
    });
  });

  const summary = buildSummary([...results.values()]);
  const planDir = path.join(args.outdir, "plan");
  fs.rmSync(planDir, { recursive: true, force: true });
  fs.mkdirSync(planDir, { recursive: true });
  fs.writeFileSync(path.join(planDir, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(planDir, "summary.md"), renderMarkdown(summary));

  for (const s of summary.stacks) {
    const counts = `+${s.counts.create} ~${s.counts.update} -${s.counts.delete} ±${s.counts.replace}`;
    log(`${s.name}: ${s.status}${s.status === "planned" ? ` ${counts}` : `: ${s.reason}`}`);
  }
  for (const p of summary.protectedDestroys)
    log(`PROTECTED resource would be destroyed: ${p.stack} ${p.address}`);
  log(`summary: ${path.join(planDir, "summary.md")}`);
  return exitCode(summary, args);
}
