import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { App, S3Backend, TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  PolicyAspect,
  PolicyFinding,
  PolicyTier,
  PolicyViolationError,
  applyPolicyPack,
} from "../../constructs/policy";

export interface PolicyRun {
  readonly app: App;
  readonly stack: TerraformStack;
  readonly aspect: PolicyAspect;
  readonly findings: readonly PolicyFinding[];
  /** The error synth threw, when the stack had unsuppressed errors. */
  readonly error?: PolicyViolationError;
}

export interface PolicyRunOptions {
  /** @default "dev" */
  readonly tier?: PolicyTier;
  /**
   * Give the stack an encrypted S3 backend, so only the resources under test produce findings.
   * @default true
   */
  readonly remoteState?: boolean;
}

/** Builds resources in a stack named `test`, applies the platform pack and synthesizes the app. */
export function runPolicy(
  build: (scope: Construct) => void,
  options: PolicyRunOptions = {},
): PolicyRun {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
  new HelmProvider(stack, "helm", {});
  if (options.remoteState ?? true) {
    new S3Backend(stack, {
      bucket: "state",
      key: "test.tfstate",
      region: "ap-northeast-2",
      encrypt: true,
    });
  }
  build(stack);
  const aspect = applyPolicyPack(stack, { tier: options.tier ?? "dev" });
  try {
    app.synth();
  } catch (error) {
    if (!(error instanceof PolicyViolationError)) throw error;
    return { app, stack, aspect, findings: aspect.findings, error };
  }
  return { app, stack, aspect, findings: aspect.findings };
}

/** Findings of one rule. */
export function findingsOf(run: PolicyRun, ruleId: string): PolicyFinding[] {
  return run.findings.filter((finding) => finding.ruleId === ruleId);
}

/** Annotation messages of one level on the stack's constructs, as `cdktf synth` prints them. */
export function annotations(run: PolicyRun, level: "info" | "warn" | "error"): string[] {
  return run.stack.node
    .findAll()
    .flatMap((node) =>
      node.node.metadata
        .filter((entry) => entry.type === `@cdktf/${level}`)
        .map((entry) => `${node.node.path}: ${String(entry.data)}`),
    );
}
