/**
 * The plan summary: pure functions from per-stack plan results (`terraform show -json` output and
 * what the synthesized configuration says about each resource) to summary.json, and the exit
 * status a pipeline acts on. Destructive changes come first, protected ones before the rest.
 */
import { appendAll } from "../lib/append";
import {
  changedAttributes,
  forcingAttributes,
  KNOWN_AFTER_APPLY,
  type AttributeChange,
} from "./attributes";
import {
  crossStackEffect,
  outputDeltas,
  referencesFromPlan,
  type CrossStackEffect,
  type StackReferences,
} from "./cross-stack";
import { replacementExplanation } from "./explanations";
import { releaseEffects, type KubernetesEffect } from "./kubernetes/effects";
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
  /**
   * Not planned because it reads outputs that `afterApplyOf` does not have yet (a new environment,
   * a new cross-stack reference): it is planned once that stack applies, and does not fail the run.
   */
  readonly afterApplyOf?: string;
  /** Stacks this one reads outputs from. */
  readonly dependencies: readonly string[];
  /** Something the reader should know about how the plan was made. */
  readonly note?: string;
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
  /** A step (`terraform_data`) that runs again: Terraform replaces it, but nothing is destroyed. */
  readonly rerun?: boolean;
}

export type ChangeCounts = Record<ChangeKind, number>;

/** An existing object an import block brings into the state (with its update, if any, listed too). */
export interface AdoptedEntry {
  readonly address: string;
  readonly name: string;
  readonly type: string;
  /** The import ID (a namespace's name). */
  readonly id: string;
}

export interface StackSummary {
  readonly name: string;
  readonly status: StackStatus;
  readonly reason?: string;
  readonly afterApplyOf?: string;
  readonly note?: string;
  readonly dependencies: readonly string[];
  readonly counts: ChangeCounts;
  readonly outputChanges: number;
  /** Planned against a state holding no resources: every resource shows as a create. */
  readonly emptyState: boolean;
  /** Replacements and deletions, protected first, then replacements whose cause is known. */
  readonly destructive: readonly ChangeEntry[];
  readonly updates: readonly ChangeEntry[];
  /** Existing objects the plan imports into the state: the apply changes no object by that alone. */
  readonly adopted: readonly AdoptedEntry[];
  /** Creates per resource type, most first. */
  readonly creates: readonly { readonly type: string; readonly count: number }[];
  /** What its `helm_release` changes do inside the cluster, most serious first. */
  readonly kubernetes: readonly KubernetesEffect[];
  /** Changes it will see once the stacks it reads outputs from apply (not in its own plan). */
  readonly upstream: readonly CrossStackEffect[];
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
  /** Kubernetes objects deleted and disruptive changes inside the cluster, across stacks. */
  readonly kubernetes: { readonly destructive: number; readonly disruptive: number };
}

export const KINDS: readonly ChangeKind[] = ["create", "update", "replace", "delete"];

/**
 * Maps Terraform's action list to a change kind; no-op, read and forget are not changes. A
 * replacement that forgets the old object instead of destroying it creates the new one.
 */
export function classifyActions(actions: readonly string[]): ChangeKind | undefined {
  const key = actions.join(",");
  switch (key) {
    case "create":
    case "update":
    case "delete":
      return key;
    case "create,forget":
    case "forget,create":
      return "create";
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
export function hasChanges(
  stack: Pick<StackSummary, "counts" | "outputChanges" | "adopted">,
): boolean {
  return (
    KINDS.some((k) => stack.counts[k] > 0) || stack.outputChanges > 0 || stack.adopted.length > 0
  );
}

/**
 * Resources that only run a step (a readiness wait): replacing one runs it again and destroys
 * nothing, so it counts as an update, unless it has a destroy-time step.
 */
const STEP_TYPES = new Set(["terraform_data", "null_resource"]);

export const RERUN_REASON = "runs again (a step: nothing is destroyed)";

/**
 * A release's values and rendered objects, and the metadata Helm recomputes on every upgrade: the
 * Kubernetes effects say what they change, key by key and object by object.
 */
const RELEASE_CONTENT = /^(values|manifest|resources|metadata)(\b|\[|\.)/;

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
  // Only a step known to have no destroy-time provisioner: replacing one with it runs that too.
  const steps = config.destroyTimeSteps;
  if (
    kind === "replace" &&
    STEP_TYPES.has(change.type) &&
    steps !== undefined &&
    !steps.includes(configAddress(change))
  ) {
    return {
      address: change.address,
      name: constructName(change, config),
      type: change.type,
      kind: "update",
      protection: [],
      attributes: forcingAttributes(change.change),
      reason: RERUN_REASON,
      rerun: true,
    };
  }
  const attributes = (
    kind === "replace"
      ? forcingAttributes(change.change)
      : kind === "update"
        ? changedAttributes(change.change)
        : []
  ).filter((a) => change.type !== "helm_release" || !RELEASE_CONTENT.test(a.path));
  const reason = change.action_reason ? ACTION_REASONS[change.action_reason] : undefined;
  const consequence =
    kind === "replace"
      ? STEP_TYPES.has(change.type) && steps?.includes(configAddress(change))
        ? "Runs its destroy-time step before it runs again."
        : replacementExplanation(change)
      : undefined;
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
  const kubernetes: KubernetesEffect[] = [];
  const adopted: AdoptedEntry[] = [];
  for (const change of input.planJson?.resource_changes ?? []) {
    // An import shows as a no-op when the object matches its configuration: still worth saying.
    if (change.change.importing) {
      adopted.push({
        address: change.address,
        name: constructName(change, input.config),
        type: change.type,
        id: String(change.change.importing.id ?? ""),
      });
    }
    const kind = classifyActions(change.change.actions);
    if (!kind) continue;
    const entry = entryFor(change, kind, input.config, stateBuckets);
    counts[entry.kind] += 1;
    entries.push(entry);
    if (change.type === "helm_release") {
      appendAll(kubernetes, releaseEffects(change, constructName(change, input.config)));
    }
  }
  const createsByType = new Map<string, number>();
  for (const entry of entries.filter((e) => e.kind === "create")) {
    createsByType.set(entry.type, (createsByType.get(entry.type) ?? 0) + 1);
  }
  const rank = { destructive: 0, disruptive: 1, change: 2 };
  return {
    name: input.name,
    status: input.status,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.afterApplyOf ? { afterApplyOf: input.afterApplyOf } : {}),
    ...(input.note ? { note: input.note } : {}),
    dependencies: input.dependencies,
    counts,
    outputChanges: input.planJson ? countOutputChanges(input.planJson) : 0,
    emptyState: input.planJson ? isPlannedAgainstEmptyState(input.planJson) : false,
    destructive: entries
      .filter((e) => e.kind === "replace" || e.kind === "delete")
      .sort((a, b) => destructiveRank(a) - destructiveRank(b)),
    updates: entries.filter((e) => e.kind === "update"),
    adopted,
    creates: [...createsByType]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
    kubernetes: kubernetes.sort((a, b) => rank[a.severity] - rank[b.severity]),
    upstream: [],
  };
}

/** The references of a stack's configuration: synthesized when known, else from its plan. */
function referencesOf(input: StackPlanInput): StackReferences | undefined {
  const synthesized = input.config.references;
  if (synthesized && Object.keys(synthesized.remoteStates).length > 0) return synthesized;
  return input.planJson?.configuration ? referencesFromPlan(input.planJson) : synthesized;
}

/**
 * What each stack will see once the stacks it reads apply: outputs that change in a plan made
 * against existing state (a new stack's outputs all appear at once: its readers are new too).
 */
function upstreamEffects(
  input: StackPlanInput,
  byName: ReadonlyMap<string, StackPlanInput>,
): CrossStackEffect[] {
  const references = referencesOf(input);
  if (!references) return [];
  const upstream = new Set([...input.dependencies, ...Object.values(references.remoteStates)]);
  return [...upstream].flatMap((name) => {
    const from = byName.get(name);
    if (!from?.planJson || isPlannedAgainstEmptyState(from.planJson)) return [];
    const deltas = outputDeltas(from.planJson, from.config.constructPaths);
    const effect = crossStackEffect(name, deltas, references, input.config.constructPaths);
    return effect ? [effect] : [];
  });
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
  const byName = new Map(inputs.map((i) => [i.name, i]));
  const stacks = inputs.map(
    (input): StackSummary => ({
      ...summarizeStack(input, options.stateBuckets),
      upstream: upstreamEffects(input, byName),
    }),
  );
  const totals = zeroCounts();
  for (const stack of stacks) for (const kind of KINDS) totals[kind] += stack.counts[kind];
  const effects = stacks.flatMap((s) => s.kubernetes);
  return {
    offline: options.offline,
    stacks,
    totals,
    failed: stacks.filter((s) => s.status === "failed").map((s) => s.name),
    notPlanned: stacks.filter((s) => s.status === "not-planned").map((s) => s.name),
    protectedDestroys: inputs.flatMap((input, i) => protectedDestroysOf(input, stacks[i])),
    kubernetes: {
      destructive: effects.filter((e) => e.severity === "destructive").length,
      disruptive: effects.filter((e) => e.severity === "disruptive").length,
    },
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
  // A stack waiting for the stack it reads to apply first is expected, online too.
  const unexpected = summary.stacks
    .filter((s) => s.status === "not-planned" && !s.afterApplyOf)
    .map((s) => s.name);
  if (!options.offline && unexpected.length > 0)
    return error(`not planned: ${unexpected.join(", ")}`);
  const protectedCount = summary.protectedDestroys.length;
  if (options.failOnProtectedDestroy && protectedCount > 0)
    return error(`${protectedCount} protected resource(s) would be replaced or destroyed`);
  const destroys = summary.totals.replace + summary.totals.delete;
  if (options.failOnDestroy && destroys > 0)
    return error(`${destroys} resource(s) would be replaced or destroyed`);
  if (options.failOnDestroy && summary.kubernetes.destructive > 0)
    return error(`${summary.kubernetes.destructive} Kubernetes change(s) would delete objects`);
  return { code: summary.stacks.some(hasChanges) ? EXIT_CHANGES : EXIT_NO_CHANGES };
}
