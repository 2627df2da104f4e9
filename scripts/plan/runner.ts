/**
 * Plans one stack: `terraform init`, `plan -out`, `show -json` and `show` (the text a reviewer
 * reads), with progress on stderr, and an honest status when a step cannot run.
 */
import { runTerraform, type TerraformResult } from "../lib/terraform";
import type { ManifestStack } from "./manifest";
import type { TerraformPlanJson } from "./plan-json";
import { refusedProtectedAddresses } from "./protected";
import { readStackConfig } from "./stack-config";
import type { StackPlanInput } from "./summary";

export const PLAN_FILE = "plan.tfplan";

export interface PlanContext {
  /** Offline: skip refresh (fake credentials cannot read AWS) and treat unreachable providers as expected. */
  readonly offline: boolean;
  /** Progress prefix such as `[2/8]`. */
  readonly progress: string;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
}

/**
 * The first Terraform error as one short line: its title and the explanation after it (skipping
 * the "on <file> line N" source excerpt, which says nothing about synthesized JSON).
 */
export function extractError(stderr: string, limit = 300): string {
  const clean = stderr.replace(/[╷│╵]/g, "");
  const start = clean.search(/Error: /);
  const paragraphs = (start >= 0 ? clean.slice(start) : clean)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0);
  const [title = "", ...rest] = paragraphs;
  const detail = rest.find((p) => !/^(on|with) \S/.test(p));
  const text = [title.replace(/^Error: /, ""), detail].filter(Boolean).join(": ");
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text || "no error output";
}

/** Errors that mean a provider could not be installed (not in the mirror, no registry reachable). */
const PROVIDER_INSTALL_ERROR =
  /Failed to query available provider packages|Failed to install provider|Incompatible provider version|could not connect to registry|Failed to resolve provider packages/;

export function isProviderInstallError(stderr: string): boolean {
  return PROVIDER_INSTALL_ERROR.test(stderr);
}

/** "hashicorp/helm, hashicorp/kubernetes (could not connect to registry.terraform.io)". */
export function providerInstallReason(stderr: string): string {
  const flat = stderr.replace(/[╷│╵]/g, "").replace(/\s+/g, " ");
  const providers = [...new Set([...flat.matchAll(/provider ([\w-]+\/[\w-]+)/g)].map((m) => m[1]))];
  const cause = /could not connect to [\w.-]+/.exec(flat)?.[0];
  if (providers.length === 0) return extractError(stderr);
  return `${providers.join(", ")}${cause ? ` (${cause})` : ""}`;
}

/** Offline, a stack reading another stack's outputs finds empty local state and cannot plan. */
export function isMissingRemoteStateError(stderr: string): boolean {
  return /terraform_remote_state/.test(stderr);
}

function step(
  context: PlanContext,
  name: string,
  label: string,
  run: () => TerraformResult,
): TerraformResult {
  context.log(`${context.progress} ${name}: ${label}…`);
  const started = Date.now();
  const result = run();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  context.log(
    `${context.progress} ${name}: ${label} ${result.status === 0 ? "done" : "FAILED"} (${seconds} s)`,
  );
  return result;
}

/** Runs init, plan and show for `stack`; never throws for Terraform errors, it reports them. */
export function planStack(
  stack: Pick<ManifestStack, "name" | "dependencies" | "workingDirectory" | "synthesizedStackPath">,
  context: PlanContext,
): StackPlanInput {
  const base = {
    name: stack.name,
    dependencies: stack.dependencies,
    config: readStackConfig(stack.synthesizedStackPath),
  };
  const cwd = stack.workingDirectory;

  const init = step(context, stack.name, "init", () =>
    runTerraform(cwd, ["init", "-input=false", "-no-color"]),
  );
  if (init.status !== 0) {
    return isProviderInstallError(init.stderr)
      ? {
          ...base,
          status: "not-planned",
          reason: `providers cannot be installed: ${providerInstallReason(init.stderr)}`,
        }
      : {
          ...base,
          status: "failed",
          reason: `terraform init failed: ${extractError(init.stderr || init.stdout)}`,
        };
  }

  // Plans take no state lock: a plan writes no state, and the plan role is read-only.
  const planArgs = ["plan", "-input=false", "-lock=false", "-no-color", `-out=${PLAN_FILE}`];
  if (context.offline) planArgs.push("-refresh=false");
  const plan = step(context, stack.name, "plan", () => runTerraform(cwd, planArgs));
  if (plan.status !== 0) {
    const reason = extractError(plan.stderr || plan.stdout);
    const refusedProtected = refusedProtectedAddresses(plan.stderr);
    if (
      context.offline &&
      refusedProtected.length === 0 &&
      isMissingRemoteStateError(plan.stderr)
    ) {
      return {
        ...base,
        status: "not-planned",
        reason: `reads outputs of ${stack.dependencies.join(", ") || "another stack"}, whose state is empty offline: ${reason}`,
      };
    }
    return {
      ...base,
      status: "failed",
      reason: `terraform plan failed: ${reason}`,
      // What Terraform planned before it stopped, and why it stopped.
      planText: `${plan.stdout}\n${plan.stderr}`,
      refusedProtected,
    };
  }

  const show = step(context, stack.name, "show -json", () =>
    runTerraform(cwd, ["show", "-json", "-no-color", PLAN_FILE]),
  );
  const text = step(context, stack.name, "show", () =>
    runTerraform(cwd, ["show", "-no-color", PLAN_FILE]),
  );
  const failedShow = [show, text].find((r) => r.status !== 0);
  if (failedShow) {
    return {
      ...base,
      status: "failed",
      reason: `terraform show failed: ${extractError(failedShow.stderr)}`,
    };
  }
  return {
    ...base,
    status: "planned",
    planJson: JSON.parse(show.stdout) as TerraformPlanJson,
    planText: text.stdout,
  };
}
