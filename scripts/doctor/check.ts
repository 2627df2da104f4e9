import type { PodNetworkTraits } from "../../constructs/shared/pod-network";
import type { Environment } from "../../stacks/environment/schema";
import type { AwsSnapshot } from "./aws";
import type { ClusterSnapshot } from "./snapshot";

/** ✔ / ⚠ / ✘. */
export type Verdict = "pass" | "warn" | "fail";

/** What one check concluded about one thing. A failure always says what to do about it. */
export type Outcome =
  | { readonly verdict: "pass"; readonly message: string }
  | { readonly verdict: "warn"; readonly message: string; readonly fix?: string }
  | { readonly verdict: "fail"; readonly message: string; readonly fix: string };

/** One line of the checklist: an outcome and the check that produced it. */
export type Finding = Outcome & { readonly check: string };

/** What every check reads: the environment as defined, and the cluster (and AWS) as found. */
export interface DoctorContext {
  readonly env: Environment;
  readonly traits: PodNetworkTraits;
  readonly cluster: ClusterSnapshot;
  /** EKS environments only. */
  readonly aws?: AwsSnapshot;
}

/** A check, like a lint rule: a stable id, where it applies, and its outcomes. */
export interface DoctorCheck {
  /** `area.subject`, such as `calico.mtu`; pipelines filter `--json` output on it. */
  readonly id: string;
  /** What a passing check guarantees, in one sentence. */
  readonly description: string;
  readonly appliesTo: (ctx: DoctorContext) => boolean;
  readonly run: (ctx: DoctorContext) => readonly Outcome[];
}

export const pass = (message: string): Outcome => ({ verdict: "pass", message });
export const warn = (message: string, fix?: string): Outcome =>
  fix === undefined ? { verdict: "warn", message } : { verdict: "warn", message, fix };
export const fail = (message: string, fix: string): Outcome => ({ verdict: "fail", message, fix });

export const always = (): boolean => true;

/** "a, b, c and 4 more": long node or pod lists stay on one line. */
export function listOf(names: readonly string[], max = 3): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** The command that re-applies the stack holding a component, named for the environment. */
export function deploy(env: Environment, stack: "infra" | "platform"): string {
  return `npx cdktf deploy ${env.name}-${stack}`;
}
