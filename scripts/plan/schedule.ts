/**
 * Plans stacks side by side: a stack starts once the stacks it reads (in this run) are done, at
 * most `jobs` at a time, and results come back in the given (promotion) order. Decides what a
 * stack's failure means for the run: a dependency not planned, a dependency not applied yet (a new
 * environment), missing credentials.
 */
import * as os from "os";
import { logText } from "./escape";
import type { ManifestStack } from "./manifest";
import { isPlannedAgainstEmptyState } from "./plan-json";
import type { StackPlanResult } from "./runner";
import { EMPTY_STACK_CONFIG } from "./stack-config";
import { summarizeStack, type StackPlanInput } from "./summary";

/**
 * Peak memory of one stack's plan: the aws provider process alone peaks near 630 MB on the shipped
 * infra stacks (`npm run bench -- plan` reports the measured total), Terraform's own near 150 MB.
 */
export const PLAN_MEMORY_MB = 900;

/** More than this many plans at once only queue for the same cores and disk. */
const MAX_JOBS = 4;

/** Memory free for plans: the system's available memory, within a container's limit. */
function availableMemoryMb(): number {
  const limit = process.constrainedMemory?.() || Number.POSITIVE_INFINITY;
  return Math.min(os.freemem(), limit - process.memoryUsage.rss()) / 2 ** 20;
}

/**
 * Plans at once: one more than the cores (a plan waits on process start-up and disk between
 * bursts of CPU; `npm run bench -- plan` measured 3 at a time faster than 2 on 2 cores), as many
 * as the available memory holds (each aws provider process is large), at least one.
 */
export function defaultJobs(
  availableMb = availableMemoryMb(),
  cores = os.availableParallelism(),
): number {
  return Math.max(1, Math.min(cores + 1, Math.floor(availableMb / PLAN_MEMORY_MB), MAX_JOBS));
}

export interface ScheduleOptions {
  readonly jobs: number;
  readonly offline: boolean;
  readonly log: (line: string) => void;
  /** Whether a stack needs AWS credentials (an aws provider or an S3 backend). */
  readonly usesAws: (stack: ManifestStack) => boolean;
  /**
   * How much planning a stack takes (its resource count): the heaviest ready stack starts first,
   * so a long plan does not begin last and run alone. Equal weights keep the given order.
   * @default every stack the same
   */
  readonly weight?: (stack: ManifestStack) => number;
}

export type PlanOne = (stack: ManifestStack, progress: string) => Promise<StackPlanResult>;

/** What to do next when no AWS credentials are found. */
export const NO_CREDENTIALS_HINT =
  "no AWS credentials: sign in (`aws sso login`, or set AWS_PROFILE to a configured profile) " +
  "and run again, or plan without an AWS account: npm run plan -- --offline";

const notPlanned = (stack: ManifestStack, reason: string, extra: Partial<StackPlanInput> = {}) => ({
  name: stack.name,
  status: "not-planned" as const,
  reason,
  dependencies: stack.dependencies,
  config: EMPTY_STACK_CONFIG,
  ...extra,
});

/**
 * A failed plan of a stack whose remote state lacks outputs: not planned when a stack of this run
 * explains it (offline state is empty; online, a dependency planned against empty state is not
 * applied yet, or its plan adds the output).
 */
function missingOutputs(
  result: StackPlanResult,
  results: ReadonlyMap<string, StackPlanInput>,
  offline: boolean,
): StackPlanInput {
  const missing = result.missingRemoteState;
  if (!missing) return result;
  const reason = result.reason?.replace(/^terraform plan failed: /, "") ?? "";
  if (offline) {
    return {
      ...result,
      status: "not-planned",
      reason: `reads outputs of ${result.dependencies.join(", ") || "another stack"}, whose state is empty offline: ${reason}`,
    };
  }
  for (const dependency of result.dependencies) {
    const plan = results.get(dependency)?.planJson;
    if (!plan) continue;
    const adds =
      missing.output && plan.output_changes?.[missing.output]?.actions.includes("create");
    if (!isPlannedAgainstEmptyState(plan) && !adds) continue;
    const why = isPlannedAgainstEmptyState(plan)
      ? `${dependency} has no state yet (a new environment)`
      : `it reads output ${missing.output}, which ${dependency} adds`;
    return {
      ...result,
      status: "not-planned",
      reason: `${why}: ${result.name} is planned once ${dependency} applies`,
      afterApplyOf: dependency,
      planText: undefined,
    };
  }
  return result;
}

/** A stack's outcome in one line: the same status as the summary gives it. */
export function outcomeLine(result: StackPlanInput): string {
  const name = logText(result.name);
  if (result.status === "planned") {
    const { create, update, replace, delete: destroy } = summarizeStack(result).counts;
    return `${name}: planned +${create} ~${update} ±${replace} -${destroy}`;
  }
  const reason = logText(result.reason ?? "", 400);
  return result.status === "failed"
    ? `${name}: FAILED: ${reason}`
    : `${name}: not planned: ${reason}`;
}

export async function planInOrder(
  stacks: readonly ManifestStack[],
  options: ScheduleOptions,
  planOne: PlanOne,
): Promise<StackPlanInput[]> {
  const inRun = new Set(stacks.map((s) => s.name));
  const results = new Map<string, StackPlanInput>();
  const waiting = [...stacks];
  const running = new Map<string, Promise<void>>();
  let noCredentials: string | undefined;

  const settle = (stack: ManifestStack, result: StackPlanInput, started: number) => {
    const progress = `[${stacks.indexOf(stack) + 1}/${stacks.length}]`;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    options.log(`${progress} ${outcomeLine(result)} (${seconds} s)`);
    results.set(stack.name, result);
  };

  /** Why `stack` cannot be planned before it starts, if it cannot. */
  const blocker = (stack: ManifestStack): StackPlanInput | undefined => {
    const blocked = stack.dependencies.filter(
      (d) => inRun.has(d) && results.get(d)?.status !== "planned",
    );
    if (blocked.length > 0) {
      const waits = blocked.map((d) => results.get(d)?.afterApplyOf).find(Boolean);
      return notPlanned(stack, `depends on ${blocked.join(", ")}, which was not planned`, {
        ...(waits ? { afterApplyOf: waits } : {}),
      });
    }
    if (noCredentials && options.usesAws(stack)) {
      return notPlanned(stack, `not attempted: ${NO_CREDENTIALS_HINT} (${noCredentials} failed)`);
    }
    return undefined;
  };

  // A stack's own weight and that of every stack of the run waiting on it.
  const own = new Map(stacks.map((s) => [s.name, options.weight?.(s) ?? 0]));
  const total = (stack: ManifestStack): number =>
    (own.get(stack.name) ?? 0) +
    stacks.filter((s) => s.dependencies.includes(stack.name)).reduce((n, s) => n + total(s), 0);
  const priority = new Map(stacks.map((s) => [s.name, total(s)]));
  const byPriority = (a: ManifestStack, b: ManifestStack) =>
    (priority.get(b.name) ?? 0) - (priority.get(a.name) ?? 0);

  while (waiting.length > 0 || running.size > 0) {
    for (const stack of [...waiting].sort(byPriority)) {
      if (running.size >= options.jobs) break;
      if (stack.dependencies.some((d) => inRun.has(d) && !results.has(d))) continue;
      waiting.splice(waiting.indexOf(stack), 1);
      const started = Date.now();
      const blocked = blocker(stack);
      if (blocked) {
        settle(stack, blocked, started);
        continue;
      }
      const progress = `[${stacks.indexOf(stack) + 1}/${stacks.length}]`;
      const done = planOne(stack, progress).then((planned) => {
        const result = planned.noCredentials
          ? { ...planned, reason: `${NO_CREDENTIALS_HINT} (${planned.reason ?? ""})` }
          : planned;
        if (result.noCredentials) noCredentials ??= stack.name;
        settle(stack, missingOutputs(result, results, options.offline), started);
        running.delete(stack.name);
      });
      running.set(stack.name, done);
    }
    if (running.size > 0) await Promise.race(running.values());
    else if (waiting.length > 0) {
      throw new Error(`stacks wait on each other: ${waiting.map((s) => s.name).join(", ")}`);
    }
  }
  return stacks.map((s) => results.get(s.name) as StackPlanInput);
}
