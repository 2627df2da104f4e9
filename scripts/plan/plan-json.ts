/**
 * The parts of `terraform show -json <planfile>` the summary reads
 * (https://developer.hashicorp.com/terraform/internals/json-format).
 *
 * Values are given in full, sensitive ones included: `before_sensitive` / `after_sensitive` mirror
 * their shape with `true` where a value is sensitive, and `after_unknown` with `true` where it is
 * known only after apply. Anything shown to a reader must go through those masks.
 */

/** A mask: `true` marks the whole value; objects and arrays mark parts of it. */
export type ValueMask = boolean | { readonly [key: string]: ValueMask } | readonly ValueMask[];

export interface ResourceChangeJson {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode?: string;
  readonly module_address?: string;
  /** Why Terraform chose the action (`replace_because_tainted`, `delete_because_no_resource_config`, ...). */
  readonly action_reason?: string;
  readonly change: OutputChangeJson & {
    /** Attribute paths that force the replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    /** Set when an import block brings an existing object into the state (Terraform 1.5+). */
    readonly importing?: { readonly id?: string };
  };
}

interface ModuleJson {
  readonly resources?: readonly unknown[];
  readonly child_modules?: readonly ModuleJson[];
}

/** An output's change, and the part of a resource's change they share; values are given in full, sensitive or not. */
export interface OutputChangeJson {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: ValueMask;
  readonly before_sensitive?: ValueMask;
  readonly after_sensitive?: ValueMask;
}

export interface TerraformPlanJson {
  readonly resource_changes?: readonly ResourceChangeJson[];
  readonly output_changes?: Readonly<Record<string, OutputChangeJson>>;
  readonly prior_state?: { readonly values?: { readonly root_module?: ModuleJson } };
  /**
   * The configuration, with every expression's `references` (`data.terraform_remote_state.x.outputs.y`);
   * read for cross-stack effects.
   */
  readonly configuration?: {
    readonly provider_config?: Readonly<Record<string, unknown>>;
    readonly root_module?: unknown;
  };
}

const hasResources = (module: ModuleJson | undefined): boolean =>
  !!module &&
  ((module.resources?.length ?? 0) > 0 || (module.child_modules ?? []).some(hasResources));

/** True when the plan was made against a state holding no resources (a first plan, or offline). */
export function isPlannedAgainstEmptyState(plan: TerraformPlanJson): boolean {
  return !hasResources(plan.prior_state?.values?.root_module);
}

/** Outputs the plan would add, change or remove. */
export function countOutputChanges(plan: TerraformPlanJson): number {
  return Object.values(plan.output_changes ?? {}).filter((o) => !o.actions.includes("no-op"))
    .length;
}
