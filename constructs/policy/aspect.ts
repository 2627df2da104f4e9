import {
  AnnotationMetadataEntryType,
  Aspects,
  DefaultTokenResolver,
  IAspect,
  StringConcat,
  TerraformBackend,
  TerraformDataSource,
  TerraformResource,
  TerraformStack,
  Tokenization,
} from "cdktf";
import { IConstruct } from "constructs";
import { PLATFORM_PACK } from "./pack";
import { suppressionReason } from "./suppress";
import {
  PolicyContext,
  PolicyFinding,
  PolicyPack,
  PolicyRule,
  PolicySubject,
  PolicyTier,
} from "./types";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

export interface PolicyAspectOptions {
  /** Tier of the environment the stack belongs to; some rules are errors only in prod. */
  readonly tier: PolicyTier;
}

export interface ApplyPolicyPackOptions extends PolicyAspectOptions {
  /**
   * Rules to apply.
   * @default PLATFORM_PACK
   */
  readonly pack?: PolicyPack;
}

/** Thrown by synth when a stack has unsuppressed errors; nothing is written for that stack. */
export class PolicyViolationError extends Error {
  constructor(
    readonly stackName: string,
    readonly findings: readonly PolicyFinding[],
  ) {
    super(
      `policy check failed for stack ${stackName} (${findings.length} error${findings.length === 1 ? "" : "s"}); ` +
        `nothing was written for this stack:\n` +
        findings.map((f) => formatFinding(f)).join("\n") +
        `\nFix each resource, or if a rule does not apply there, call ` +
        `suppress(construct, ruleId, reason) from constructs/policy with a reason.`,
    );
    this.name = "PolicyViolationError";
  }
}

/** One finding as printed: rule ID, construct path, explanation with the detail, and the fix. */
export function formatFinding(finding: PolicyFinding): string {
  if (finding.suppressedBecause !== undefined) {
    return `${finding.ruleId} suppressed on ${finding.path}: ${finding.suppressedBecause}`;
  }
  return (
    `  - [${finding.level}] ${finding.ruleId} ${finding.path}: ${finding.explanation} ` +
    `(${finding.detail})\n    Fix: ${finding.fix}`
  );
}

/** The subject a construct represents, or undefined when rules have nothing to inspect on it. */
function subjectOf(node: IConstruct): PolicySubject | undefined {
  if (TerraformResource.isTerraformResource(node)) {
    const type = node.terraformResourceType;
    const json = node.toTerraform() as {
      resource?: Record<string, Record<string, Record<string, unknown>>>;
    };
    // Undefined for a resource moved away with moveTo(): its config now lives at the target.
    const attributes = json.resource?.[type]?.[node.friendlyUniqueId];
    if (!attributes) return undefined;
    return {
      type,
      construct: node,
      path: node.node.path,
      address: `${type}.${node.friendlyUniqueId}`,
      attributes,
    };
  }
  if (TerraformDataSource.isTerraformDataSource(node)) {
    // Rules never visit data sources; they read them through references (policy documents).
    const type = node.terraformResourceType;
    const json = node.toTerraform() as {
      data?: Record<string, Record<string, Record<string, unknown>>>;
    };
    const attributes = json.data?.[type]?.[node.friendlyUniqueId];
    if (!attributes) return undefined;
    return {
      type: `data.${type}`,
      construct: node,
      path: node.node.path,
      address: `data.${type}.${node.friendlyUniqueId}`,
      attributes,
    };
  }
  if (TerraformBackend.isBackend(node)) {
    const json = node.toTerraform() as {
      terraform?: { backend?: Record<string, Record<string, unknown>> };
    };
    // The cloud backend renders under terraform.cloud instead of terraform.backend.
    const [name, attributes] = Object.entries(json.terraform?.backend ?? { cloud: {} })[0];
    return { type: `backend:${name}`, construct: node, path: node.node.path, attributes };
  }
  return undefined;
}

/** Per-stack evaluation state: subjects indexed once, findings collected while visiting. */
class StackPolicy {
  readonly subjects = new Map<IConstruct, PolicySubject>();
  private readonly byType = new Map<string, PolicySubject[]>();
  readonly context: PolicyContext;
  readonly findings: PolicyFinding[] = [];

  constructor(
    readonly stack: TerraformStack,
    tier: PolicyTier,
  ) {
    for (const node of stack.node.findAll()) {
      const subject = subjectOf(node);
      if (!subject) continue;
      this.subjects.set(node, subject);
      const list = this.byType.get(subject.type) ?? [];
      list.push(subject);
      this.byType.set(subject.type, list);
    }
    this.context = {
      tier,
      stack,
      subjectsOfType: (type) => this.byType.get(type) ?? [],
      resolve: (value) => Tokenization.resolve(value, { scope: stack, resolver: RESOLVER }),
    };
  }

  errors(): PolicyFinding[] {
    return this.findings.filter((f) => f.level === "error" && f.suppressedBecause === undefined);
  }
}

/**
 * Checks every resource and the backend of the stacks it is added to against a policy pack
 * (cdk-nag style). Errors make synth of the stack throw a `PolicyViolationError` before anything
 * is written for it; warnings and suppressed findings become annotations that `cdktf synth`
 * prints. cdktf does not pass aspects from the App down to stacks: add it to each stack, or use
 * `applyPolicyPack`.
 */
export class PolicyAspect implements IAspect {
  private readonly stacks = new Map<TerraformStack, StackPolicy>();
  private readonly rulesByType = new Map<string, PolicyRule[]>();

  constructor(
    readonly pack: PolicyPack,
    readonly options: PolicyAspectOptions,
  ) {
    const ids = new Set<string>();
    for (const rule of pack.rules) {
      if (ids.has(rule.id))
        throw new Error(`policy pack ${pack.name}: rule ID ${rule.id} is used twice`);
      ids.add(rule.id);
      for (const type of rule.appliesTo) {
        this.rulesByType.set(type, [...(this.rulesByType.get(type) ?? []), rule]);
      }
    }
  }

  /** Findings of the last synth of every visited stack, suppressed ones included. */
  get findings(): readonly PolicyFinding[] {
    return [...this.stacks.values()].flatMap((s) => s.findings);
  }

  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) {
      // Aspects run again on every synth; start from the tree as it is now.
      this.register(node);
      return;
    }
    const stack = TerraformStack.of(node);
    const state = this.stacks.get(stack) ?? this.register(stack);
    const subject = state.subjects.get(node);
    if (!subject) return;
    for (const rule of this.rulesByType.get(subject.type) ?? []) {
      const violations = rule.check(subject, state.context);
      if (violations.length === 0) continue;
      const level = typeof rule.level === "function" ? rule.level(state.context) : rule.level;
      const suppressedBecause = suppressionReason(node, rule.id);
      for (const violation of violations) {
        const finding: PolicyFinding = {
          ruleId: rule.id,
          level,
          path: subject.path,
          detail: violation.detail,
          explanation: rule.explanation,
          fix: rule.fix,
          suppressedBecause,
        };
        state.findings.push(finding);
        if (suppressedBecause !== undefined) {
          annotateOnce(node, AnnotationMetadataEntryType.INFO, formatFinding(finding));
        } else if (level === "warning") {
          annotateOnce(
            node,
            AnnotationMetadataEntryType.WARN,
            `${rule.id}: ${rule.explanation} (${violation.detail}) Fix: ${rule.fix}`,
          );
        }
      }
    }
  }

  private register(stack: TerraformStack): StackPolicy {
    const known = this.stacks.has(stack);
    const state = new StackPolicy(stack, this.options.tier);
    this.stacks.set(stack, state);
    if (!known) {
      // Validations run after all aspects and before the stack's directory is created.
      stack.node.addValidation({
        validate: () => {
          const errors = this.stacks.get(stack)?.errors() ?? [];
          if (errors.length > 0) throw new PolicyViolationError(stack.node.path, errors);
          return [];
        },
      });
    }
    return state;
  }
}

/** Adds an annotation unless the same one is there from an earlier synth of the same tree. */
function annotateOnce(node: IConstruct, type: AnnotationMetadataEntryType, message: string): void {
  if (node.node.metadata.some((m) => m.type === type && m.data === message)) return;
  // The stack trace would point into this aspect, which tells the reader nothing.
  node.node.addMetadata(type, message, { stackTrace: false });
}

/**
 * Applies a pack to a stack, or to every stack under `scope` (an App) that exists when called.
 * Returns the aspect, whose `findings` list what the last synth found.
 */
export function applyPolicyPack(scope: IConstruct, options: ApplyPolicyPackOptions): PolicyAspect {
  const stacks = TerraformStack.isStack(scope)
    ? [scope]
    : scope.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
  if (stacks.length === 0) {
    throw new Error(
      `applyPolicyPack(${scope.node.path || "app"}): no stack to apply the pack to; create the stacks first`,
    );
  }
  const aspect = new PolicyAspect(options.pack ?? PLATFORM_PACK, { tier: options.tier });
  for (const stack of stacks) Aspects.of(stack).add(aspect);
  return aspect;
}
