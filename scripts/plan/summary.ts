/**
 * The plan summary: pure functions from per-stack plan results (`terraform show -json` output and
 * what the synthesized configuration says about each resource) to summary.json, and the exit
 * status a pipeline acts on. Destructive changes come first, protected ones before the rest.
 */
import {
  changedAttributes,
  forcingAttributes,
  KNOWN_AFTER_APPLY,
  type AttributeChange,
} from "./attributes";
import { replacementExplanation } from "./explanations";
import {
  countOutputChanges,
  isPlannedAgainstEmptyState,
  type ResourceChangeJson,
  type TerraformPlanJson,
} from "./plan-json";
import { configAddress, protectionReasons, PREVENT_DESTROY } from "./protected";
import type { StackConfig } from "./stack-config";

export type StackStatus = "planned" | "failed" | "not-planned";

export interface StackPlanInput {
  readonly name: string;
  readonly status: StackStatus;
  /** Why the stack failed or was not planned. */
  readonly reason?: string;
  /** Stacks this one reads outputs from. */
  readonly dependencies: readonly string[];
  /** Present when status is "planned". */
  readonly planJson?: TerraformPlanJson;
  /** What Terraform printed: the plan as text (`terraform show`), or the output of the failed step. */
  readonly planText?: string;
  /** Protection and construct paths from the synthesized configuration. */
  readonly config: StackConfig;
  /**
   * `prevent_destroy` addresses Terraform refused to plan because the plan would destroy them (the
   * plan then fails with "Instance cannot be destroyed").
   */
  readonly refusedProtected?: readonly string[];
}

export type ChangeKind = "create" | "update" | "replace" | "delete";

export interface ChangeEntry {
  readonly address: string;
  /** Construct path (`dev-infra/vpc/vpc`), or the address when the configuration does not name it. */
  readonly name: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** Why the resource must not be lost (`prevent_destroy`, `KMS key`, ...); empty when it may. */
  readonly protection: readonly string[];
  /** Replacements: the attributes forcing it; updates: the changed attributes. */
  readonly attributes: readonly AttributeChange[];
  /** Why Terraform replaces or destroys it when no attribute says (tainted, removed from the configuration). */
  readonly reason?: string;
  /** What else a replacement takes with it. */
  readonly consequence?: string;
}

export type ChangeCounts = Record<ChangeKind, number>;

export interface StackSummary {
  readonly name: string;
  readonly status: StackStatus;
  readonly reason?: string;
  readonly dependencies: readonly string[];
  readonly counts: ChangeCounts;
  readonly outputChanges: number;
  /** Planned against a state holding no resources: every resource shows as a create. */
  readonly emptyState: boolean;
  /** Replacements and deletions, protected first, then replacements whose cause is known. */
  readonly destructive: readonly ChangeEntry[];
  readonly updates: readonly ChangeEntry[];
  /** Creates per resource type, most first. */
  readonly creates: readonly { readonly type: string; readonly count: number }[];
}

export interface ProtectedDestroy {
  readonly stack: string;
  readonly address: string;
  readonly name: string;
  /** "refused" when Terraform refused the plan because of `prevent_destroy`. */
  readonly kind: "replace" | "delete" | "refused";
  readonly protection: readonly string[];
  readonly consequence?: string;
}

export interface PlanSummary {
  /** Planned with fake credentials, local state and no refresh. */
  readonly offline: boolean;
  readonly stacks: readonly StackSummary[];
  readonly totals: ChangeCounts;
  readonly failed: readonly string[];
  readonly notPlanned: readonly string[];
  readonly protectedDestroys: readonly ProtectedDestroy[];
}

export const KINDS: readonly ChangeKind[] = ["create", "update", "replace", "delete"];

/** Maps Terraform's action list to a change kind; no-op, read and forget are not changes. */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      return undefined;
  }
}

/** Terraform's reasons, for replacements and deletions that no attribute explains. */
const ACTION_REASONS: Readonly<Record<string, string>> = {
  replace_because_tainted: "tainted by a failed apply",
  replace_by_request: "replacement requested (-replace)",
  replace_by_triggers: "replace_triggered_by",
  delete_because_no_resource_config: "removed from the configuration",
  delete_because_no_module: "its module was removed",
  delete_because_wrong_repetition: "count / for_each changed",
  delete_because_count_index: "count index no longer configured",
  delete_because_each_key: "for_each key no longer configured",
  delete_because_no_move_target: "moved to an address that does not exist",
};

const zeroCounts = (): ChangeCounts => ({ create: 0, update: 0, replace: 0, delete: 0 });

/** `dev-infra/vpc/vpc`, with the instance key of a counted resource (`.../subnet[0]`). */
function constructName(change: ResourceChangeJson, config: StackConfig): string {
  const configured = configAddress(change);
  const constructPath = config.constructPaths[configured];
  return constructPath ? constructPath + change.address.slice(configured.length) : change.address;
}

/** Whether applying the stack's plan would change anything, outputs included. */
export function hasChanges(stack: Pick<StackSummary, "counts" | "outputChanges">): boolean {
  return KINDS.some((k) => stack.counts[k] > 0) || stack.outputChanges > 0;
}

/** A replacement every forcing value of which is known: a cause, not a knock-on of another replacement. */
export function isRootCause(entry: ChangeEntry): boolean {
  return (
    entry.kind === "replace" &&
    entry.attributes.length > 0 &&
    entry.attributes.every((a) => a.after !== KNOWN_AFTER_APPLY)
  );
}

const destructiveRank = (entry: ChangeEntry): number =>
  (entry.protection.length > 0 ? 0 : 3) +
  (isRootCause(entry) ? 0 : entry.kind === "replace" ? 1 : 2);

function entryFor(
  change: ResourceChangeJson,
  kind: ChangeKind,
  config: StackConfig,
  stateBuckets: readonly string[],
): ChangeEntry {
  const attributes =
    kind === "replace"
      ? forcingAttributes(change.change)
      : kind === "update"
        ? changedAttributes(change.change)
        : [];
  const reason = change.action_reason ? ACTION_REASONS[change.action_reason] : undefined;
  const consequence = kind === "replace" ? replacementExplanation(change) : undefined;
  return {
    address: change.address,
    name: constructName(change, config),
    type: change.type,
    kind,
    protection: protectionReasons(change, {
      preventDestroy: config.preventDestroy,
      stateBuckets,
    }),
    attributes,
    ...(reason ? { reason } : {}),
    ...(consequence ? { consequence } : {}),
  };
}

export function summarizeStack(
  input: StackPlanInput,
  stateBuckets: readonly string[] = [],
): StackSummary {
  const counts = zeroCounts();
  const entries: ChangeEntry[] = [];
  for (const change of input.planJson?.resource_changes ?? []) {
    const kind = classifyActions(change.change.actions);
    if (!kind) continue;
    counts[kind] += 1;
    entries.push(entryFor(change, kind, input.config, stateBuckets));
  }
  const createsByType = new Map<string, number>();
  for (const entry of entries.filter((e) => e.kind === "create")) {
    createsByType.set(entry.type, (createsByType.get(entry.type) ?? 0) + 1);
  }
  return {
    name: input.name,
    status: input.status,
    ...(input.reason ? { reason: input.reason } : {}),
    dependencies: input.dependencies,
    counts,
    outputChanges: input.planJson ? countOutputChanges(input.planJson) : 0,
    emptyState: input.planJson ? isPlannedAgainstEmptyState(input.planJson) : false,
    destructive: entries
      .filter((e) => e.kind === "replace" || e.kind === "delete")
      .sort((a, b) => destructiveRank(a) - destructiveRank(b)),
    updates: entries.filter((e) => e.kind === "update"),
    creates: [...createsByType]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
  };
}

function protectedDestroysOf(input: StackPlanInput, stack: StackSummary): ProtectedDestroy[] {
  const planned = stack.destructive
    .filter((e) => e.protection.length > 0)
    .map(
      (e): ProtectedDestroy => ({
        stack: stack.name,
        address: e.address,
        name: e.name,
        kind: e.kind === "replace" ? "replace" : "delete",
        protection: e.protection,
        ...(e.consequence ? { consequence: e.consequence } : {}),
      }),
    );
  const refused = (input.refusedProtected ?? []).map(
    (address): ProtectedDestroy => ({
      stack: stack.name,
      address,
      name: input.config.constructPaths[address] ?? address,
      kind: "refused",
      protection: [PREVENT_DESTROY],
    }),
  );
  return [...planned, ...refused];
}

export interface SummaryOptions {
  readonly offline: boolean;
  /** Buckets the app's S3 backends keep state in: protected as state buckets. */
  readonly stateBuckets?: readonly string[];
}

/** `inputs` in promotion order: the summary keeps it. */
export function buildSummary(
  inputs: readonly StackPlanInput[],
  options: SummaryOptions,
): PlanSummary {
  const stacks = inputs.map((input) => summarizeStack(input, options.stateBuckets));
  const totals = zeroCounts();
  for (const stack of stacks) for (const kind of KINDS) totals[kind] += stack.counts[kind];
  return {
    offline: options.offline,
    stacks,
    totals,
    failed: stacks.filter((s) => s.status === "failed").map((s) => s.name),
    notPlanned: stacks.filter((s) => s.status === "not-planned").map((s) => s.name),
    protectedDestroys: inputs.flatMap((input, i) => protectedDestroysOf(input, stacks[i])),
  };
}

/** Exit statuses a pipeline can act on, as `terraform plan -detailed-exitcode` has them. */
export const EXIT_NO_CHANGES = 0;
export const EXIT_ERROR = 1;
export const EXIT_CHANGES = 2;

export interface ExitOptions {
  /** Fail when anything would be replaced or destroyed. */
  readonly failOnDestroy: boolean;
  /** Fail when a protected resource would be replaced or destroyed. */
  readonly failOnProtectedDestroy: boolean;
  /**
   * Offline, a stack whose providers are not installable is expected and does not fail the run;
   * online, every stack must plan.
   */
  readonly offline: boolean;
}

export interface ExitStatus {
  readonly code: number;
  /** Why the run fails; absent when it does not. */
  readonly failure?: string;
}

export function exitStatus(summary: PlanSummary, options: ExitOptions): ExitStatus {
  const error = (failure: string): ExitStatus => ({ code: EXIT_ERROR, failure });
  if (summary.failed.length > 0) return error(`plan failed: ${summary.failed.join(", ")}`);
  if (!options.offline && summary.notPlanned.length > 0)
    return error(`not planned: ${summary.notPlanned.join(", ")}`);
  const protectedCount = summary.protectedDestroys.length;
  if (options.failOnProtectedDestroy && protectedCount > 0)
    return error(`${protectedCount} protected resource(s) would be replaced or destroyed`);
  const destroys = summary.totals.replace + summary.totals.delete;
  if (options.failOnDestroy && destroys > 0)
    return error(`${destroys} resource(s) would be replaced or destroyed`);
  return { code: summary.stacks.some(hasChanges) ? EXIT_CHANGES : EXIT_NO_CHANGES };
}
