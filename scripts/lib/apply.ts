/**
 * `npm run apply -- <stack> ...`: applies the plans `npm run plan` saved (`plan.tfplan` in each
 * stack's working directory of the synth output), exactly as they were made and approved: no
 * synth, no new plan. Terraform refuses a saved plan whose state changed after it was made; that
 * refusal is reported as a stale plan, with what to do. Stops at the first stack that is not
 * applied. Writes `<outdir>/apply/result.json` and `result.md` (what the workflow posts back).
 */
import * as fs from "fs";
import * as path from "path";
import { displayLine } from "../../constructs/shared/validation/display";
import { shortUsage, type CommandHelp } from "./help";
import { runTerraform } from "./terraform";
import { readManifest, selectStacks, type ManifestStack } from "../plan/manifest";
import { code } from "../plan/markdown";
import { extractError, PLAN_FILE } from "../plan/runner";

export type ApplyStatus = "applied" | "stale" | "failed" | "not-run";

export interface StackApply {
  readonly stack: string;
  readonly status: ApplyStatus;
  /** Terraform's count of what it did, when it applied. */
  readonly counts?: {
    readonly added: number;
    readonly changed: number;
    readonly destroyed: number;
  };
  /** Why it was not applied. */
  readonly reason?: string;
}

export const APPLY_HELP: CommandHelp = {
  usage: "npm run apply -- <stack> ... [--outdir <dir>]",
  summary:
    "Applies the plans `npm run plan` saved for the named stacks, in the order given, exactly as " +
    "they were made: no synth, no new plan. Stops at the first stack not applied; a plan made " +
    "against an older state is refused as stale. Writes <outdir>/apply/result.json and result.md.",
  options: [
    [
      "--outdir <dir>",
      "the synth output `npm run plan` wrote the plans into (default: $CDKTF_OUTDIR, else cdktf.out/)",
    ],
  ],
  examples: [
    "npm run plan -- dev-infra             # then review cdktf.out/plan/summary.md",
    "npm run apply -- dev-infra            # apply exactly that plan",
    "npm run apply -- dev-infra dev-platform",
  ],
  exit: [
    [0, "every named stack was applied"],
    [1, "a stack was not applied (stale plan, no saved plan, Terraform failed), or bad arguments"],
  ],
};

const APPLY_USAGE = shortUsage(APPLY_HELP);

/** Terraform's refusal of a saved plan made against an older state. */
const STALE_PLAN = /Saved plan is stale/;

const APPLY_COMPLETE = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/;

export interface ApplyArgs {
  readonly stacks: readonly string[];
  readonly outdir: string;
}

export function parseApplyArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ApplyArgs {
  const stacks: string[] = [];
  let outdir = env.CDKTF_OUTDIR || "cdktf.out";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--outdir") {
      const given = argv[++i];
      if (!given || given.startsWith("-"))
        throw new Error(`--outdir needs a directory\n${APPLY_USAGE}`);
      outdir = given;
    } else if (arg.startsWith("-")) {
      throw new Error(`unknown option ${displayLine(arg, 100)}\n${APPLY_USAGE}`);
    } else stacks.push(arg);
  }
  if (stacks.length === 0)
    throw new Error(`name the stacks whose saved plans to apply\n${APPLY_USAGE}`);
  return { stacks, outdir: path.resolve(outdir) };
}

/** Applies one stack's saved plan; never throws for Terraform errors, it reports them. */
export function applyStack(
  stack: Pick<ManifestStack, "name" | "workingDirectory">,
  log: (line: string) => void,
): StackApply {
  const cwd = stack.workingDirectory;
  if (!fs.existsSync(path.join(cwd, PLAN_FILE))) {
    return {
      stack: stack.name,
      status: "failed",
      reason: `no saved plan (${PLAN_FILE}) in ${cwd}: only a plan made and approved in the same deploy is applied`,
    };
  }
  log(`${stack.name}: init…`);
  const init = runTerraform(cwd, ["init", "-input=false", "-no-color"]);
  if (init.status !== 0) {
    return {
      stack: stack.name,
      status: "failed",
      reason: `terraform init failed: ${extractError(init.stderr || init.stdout)}`,
    };
  }
  log(`${stack.name}: apply ${PLAN_FILE}…`);
  const apply = runTerraform(cwd, ["apply", "-input=false", "-no-color", PLAN_FILE]);
  log(apply.stdout.trimEnd());
  if (apply.status !== 0) {
    if (STALE_PLAN.test(apply.stderr)) {
      return {
        stack: stack.name,
        status: "stale",
        reason:
          "the plan is stale: the stack's state changed after it was planned (another apply ran " +
          "since), so Terraform applied nothing. Run the deploy again: it plans afresh, and the new " +
          "plan is what gets approved",
      };
    }
    return {
      stack: stack.name,
      status: "failed",
      reason: `terraform apply failed: ${extractError(apply.stderr || apply.stdout)}`,
    };
  }
  const [, added, changed, destroyed] = APPLY_COMPLETE.exec(apply.stdout) ?? [];
  return {
    stack: stack.name,
    status: "applied",
    counts:
      added === undefined
        ? undefined
        : { added: Number(added), changed: Number(changed), destroyed: Number(destroyed) },
  };
}

const STATUS_TEXT: Record<ApplyStatus, string> = {
  applied: "✅ applied",
  stale: "⛔ not applied: stale plan",
  failed: "❌ failed",
  "not-run": "⏭ not run",
};

/** The result as the comment and the job summary show it: one line per stack. */
export function applyMarkdown(results: readonly StackApply[]): string {
  const lines = results.map((r) => {
    const counts = r.counts
      ? ` (${r.counts.added} added, ${r.counts.changed} changed, ${r.counts.destroyed} destroyed)`
      : "";
    // Terraform's messages carry names from the configuration (one line, extractError): shown
    // as code, never as Markdown.
    const reason = r.reason ? `: ${code(r.reason)}` : "";
    return `- ${code(r.stack)}: ${STATUS_TEXT[r.status]}${counts}${reason}`;
  });
  return `${lines.join("\n")}\n`;
}

/** The whole run; returns the exit status (0 when every stack was applied). */
export function runApply(
  argv: readonly string[],
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): number {
  const args = parseApplyArgs(argv);
  const stacks = selectStacks(readManifest(args.outdir), args.stacks);
  // In the order given (deploy order), stopping at the first stack not applied.
  const ordered = args.stacks.map((name) => stacks.find((s) => s.name === name) as ManifestStack);
  const results: StackApply[] = [];
  for (const stack of ordered) {
    const previous = results[results.length - 1];
    results.push(
      previous && previous.status !== "applied"
        ? { stack: stack.name, status: "not-run", reason: `${previous.stack} was not applied` }
        : applyStack(stack, log),
    );
  }
  const dir = path.join(args.outdir, "apply");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "result.json"), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "result.md"), applyMarkdown(results));
  for (const r of results) {
    log(displayLine(`${r.stack}: ${r.status}${r.reason ? `: ${r.reason}` : ""}`, 2000));
  }
  return results.every((r) => r.status === "applied") ? 0 : 1;
}
