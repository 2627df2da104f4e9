import { TerraformStack } from "cdktf";
import { IConstruct } from "constructs";

/** `error` fails synth; `warning` is printed by `cdktf synth` and lets synth go on. */
export type PolicyLevel = "error" | "warning";

/** Environment tier, as in the environment schema; some rules are stricter in prod. */
export type PolicyTier = "dev" | "staging" | "prod";

/**
 * One thing a rule inspects: a Terraform resource (type `aws_kms_key`, ...) or the stack's
 * backend (type `backend:s3`, `backend:local`, ...). Data sources are subjects too (type
 * `data.aws_iam_policy_document`, ...), which rules read through the references to them.
 */
export interface PolicySubject {
  /** Terraform resource type, `data.<type>` for a data source, or `backend:<name>` for the backend. */
  readonly type: string;
  readonly construct: IConstruct;
  /** Construct path, e.g. `prod-infra/cluster/cluster`; names the finding. */
  readonly path: string;
  /**
   * Terraform address (`aws_vpc.vpc_vpc_1A2B3C`, `data.aws_iam_policy_document.doc_1A2B`) for
   * resources and data sources, used to match references; undefined for backends.
   */
  readonly address?: string;
  /**
   * Attributes as they go into the Terraform JSON (snake_case, lifecycle and overrides
   * included), with tokens left unresolved.
   */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface PolicyContext {
  readonly tier: PolicyTier;
  readonly stack: TerraformStack;
  /** Every subject of one type in the stack, for rules that relate resources (flow logs). */
  subjectsOfType(type: string): readonly PolicySubject[];
  /** Resolves tokens to Terraform expressions such as `${aws_vpc.vpc_1A2B.id}`. */
  resolve(value: unknown): unknown;
}

/** What a rule found wrong with one subject; the rule supplies explanation and fix. */
export interface PolicyViolation {
  /** The specific problem, such as `enable_key_rotation is false`. */
  readonly detail: string;
}

export interface PolicyRule {
  /** Stable ID used in messages and suppressions, such as `PLT-KMS-1`. */
  readonly id: string;
  /** Fixed level, or one that depends on the context (e.g. error only in prod). */
  readonly level: PolicyLevel | ((context: PolicyContext) => PolicyLevel);
  /** Why the rule exists. */
  readonly explanation: string;
  /** What to change so the rule passes. */
  readonly fix: string;
  /** Subject types the rule inspects (`aws_eks_cluster`, `backend:s3`). */
  readonly appliesTo: readonly string[];
  check(subject: PolicySubject, context: PolicyContext): readonly PolicyViolation[];
}

/** A named, ordered set of rules. */
export interface PolicyPack {
  readonly name: string;
  readonly rules: readonly PolicyRule[];
}

/** One evaluated violation, after level and suppressions are applied. */
export interface PolicyFinding {
  readonly ruleId: string;
  readonly level: PolicyLevel;
  readonly path: string;
  readonly detail: string;
  readonly explanation: string;
  readonly fix: string;
  /** Reason of the suppression that covers this finding, if any. */
  readonly suppressedBecause?: string;
}
