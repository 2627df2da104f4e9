/**
 * Plans one stack: `terraform init`, `plan -out` (whose output is the text a reviewer reads, as
 * `terraform show` would print it) and `show -json`, with progress on the log, and an honest status
 * when a step cannot run.
 */
import * as fs from "fs";
import * as path from "path";
import { RENDERED_MANIFESTS_VARIABLE } from "../../stacks/kubernetes-access";
import type { TerraformResult } from "../lib/terraform";
import { logText } from "./escape";
import type { ManifestStack } from "./manifest";
import type { TerraformPlanJson } from "./plan-json";
import { refusedProtectedAddresses } from "./protected";
import { fromStackFile, readStackConfig } from "./stack-config";
import type { StackPlanInput } from "./summary";
import { runTerraformAsync } from "./terraform-process";

/** The saved plan in each stack's working folder (what a saved-plan apply applies). */
export const PLAN_FILE = "plan.tfplan";

/**
 * `terraform show -json` of it, next to it (`npm run plan-summary` reads it). Like the saved plan,
 * it holds sensitive values in clear text: it stays in the working folder, never in the summary.
 */
export const PLAN_JSON_FILE = "plan.json";

/** A step running longer than this is stopped and reported: a plan never hangs the run. */
const STEP_TIMEOUT_MS = 45 * 60_000;

export interface PlanContext {
  /** Offline: skip refresh (fake credentials cannot read AWS) and treat unreachable providers as expected. */
  readonly offline: boolean;
  /** Progress prefix such as `[2/8]`. */
  readonly progress: string;
  /** Where progress lines go. */
  readonly log: (line: string) => void;
  /**
   * Ask the helm provider for rendered manifests (a stack that declares the variable); the plan is
   * made again without them when the cluster lacks CRDs a release's objects need.
   * @default false
   */
  readonly renderedManifests?: boolean;
}

/** A stack's plan result, and what the run needs to decide about the stacks after it. */
export interface StackPlanResult extends StackPlanInput {
  /** The plan failed because a remote state it reads lacks outputs (a stack not applied yet). */
  readonly missingRemoteState?: { readonly output?: string };
  /** A step failed for want of AWS credentials. */
  readonly noCredentials?: boolean;
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

/** A stack reading another stack's outputs finds none of them: that stack's state is empty. */
export function missingRemoteOutput(stderr: string): { output?: string } | undefined {
  if (!/terraform_remote_state/.test(stderr)) return undefined;
  const output = /does not have an attribute named "([^"]+)"/.exec(stderr)?.[1];
  return output ? { output } : {};
}

/** The AWS SDK and Terraform's S3 backend when no credentials are configured, or they expired. */
const NO_CREDENTIALS =
  /No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders|no EC2 IMDS role found|ExpiredToken|InvalidClientTokenId|security token included in the request is (expired|invalid)|failed to get shared config profile|The SSO session .* has expired/;

export function isNoCredentialsError(stderr: string): boolean {
  return NO_CREDENTIALS.test(stderr);
}

/** Helm's dry run of a release whose objects need CRDs the cluster does not have yet. */
const MISSING_CRDS =
  /ensure CRDs are installed first|no matches for kind|unable to build kubernetes objects from release manifest|cluster was unreachable at create time/;

/** Progress lines `terraform plan` prints before the plan itself (`terraform show` has none). */
const PROGRESS_LINE =
  /^\S.*: (Refreshing state\.\.\.|Reading\.\.\.|Read complete after |Still reading\.\.\.|Preparing import\.\.\.|Importing\.\.\.|Import prepared!)/;

/** The plan as `terraform show <planfile>` prints it, from the output of `terraform plan`. */
export function planText(stdout: string): string {
  const lines = stdout.split("\n");
  let start = 0;
  while (start < lines.length && (PROGRESS_LINE.test(lines[start]) || lines[start].trim() === "")) {
    start += 1;
  }
  let end = lines.length;
  const saved = lines.findIndex((l) => l.startsWith("Saved the plan to: "));
  if (saved >= 0) {
    // Without the rule and the blank lines that lead to the note.
    end = saved;
    while (end > start && /^─*$/.test(lines[end - 1].trim())) end -= 1;
  }
  return `${lines.slice(start, end).join("\n").trimEnd()}\n`;
}

/** Variables the stack declares (`cdk.tf.json`'s `variable` block). */
function declaredVariables(file: string): string[] {
  const json = fromStackFile(file, (config) => config as { variable?: Record<string, unknown> });
  return Object.keys(json.variable ?? {});
}

async function step(
  context: PlanContext,
  name: string,
  label: string,
  cwd: string,
  args: readonly string[],
): Promise<TerraformResult> {
  context.log(`${context.progress} ${logText(name)}: ${label}…`);
  const started = Date.now();
  const result = await runTerraformAsync(cwd, args, { timeoutMs: STEP_TIMEOUT_MS });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // A failed step is reported with the stack's outcome, so progress and summary say the same.
  if (result.status === 0)
    context.log(`${context.progress} ${logText(name)}: ${label} done (${seconds} s)`);
  return result;
}

/** Runs init, plan and show for `stack`; never throws for Terraform errors, it reports them. */
export async function planStack(
  stack: Pick<ManifestStack, "name" | "dependencies" | "workingDirectory" | "synthesizedStackPath">,
  context: PlanContext,
): Promise<StackPlanResult> {
  const base = {
    name: stack.name,
    dependencies: stack.dependencies,
    config: readStackConfig(stack.synthesizedStackPath),
  };
  const cwd = stack.workingDirectory;

  const init = await step(context, stack.name, "init", cwd, ["init", "-input=false", "-no-color"]);
  if (init.status !== 0) {
    if (isProviderInstallError(init.stderr)) {
      return {
        ...base,
        status: "not-planned",
        reason: `providers cannot be installed: ${providerInstallReason(init.stderr)}`,
      };
    }
    return {
      ...base,
      status: "failed",
      reason: `terraform init failed: ${extractError(init.stderr || init.stdout)}`,
      noCredentials: isNoCredentialsError(init.stderr),
    };
  }

  // Plans take no state lock: a plan writes no state, and the plan role is read-only.
  const planArgs = ["plan", "-input=false", "-lock=false", "-no-color", `-out=${PLAN_FILE}`];
  if (context.offline) planArgs.push("-refresh=false");
  const rendered =
    context.renderedManifests === true &&
    declaredVariables(stack.synthesizedStackPath).includes(RENDERED_MANIFESTS_VARIABLE);
  let plan = await step(context, stack.name, "plan", cwd, [
    ...planArgs,
    ...(rendered ? [`-var=${RENDERED_MANIFESTS_VARIABLE}=true`] : []),
  ]);
  let note: string | undefined;
  if (rendered && plan.status !== 0 && MISSING_CRDS.test(plan.stderr)) {
    note = `planned without rendered manifests: ${extractError(plan.stderr, 200)}`;
    context.log(`${context.progress} ${logText(stack.name)}: ${logText(note)}`);
    plan = await step(context, stack.name, "plan (values only)", cwd, planArgs);
  }
  if (plan.status !== 0) {
    const reason = extractError(plan.stderr || plan.stdout);
    const refusedProtected = refusedProtectedAddresses(plan.stderr);
    const missingRemoteState =
      refusedProtected.length === 0 ? missingRemoteOutput(plan.stderr) : undefined;
    return {
      ...base,
      status: "failed",
      reason: `terraform plan failed: ${reason}`,
      // What Terraform planned before it stopped, and why it stopped.
      planText: `${plan.stdout}\n${plan.stderr}`,
      refusedProtected,
      ...(missingRemoteState ? { missingRemoteState } : {}),
      noCredentials: isNoCredentialsError(plan.stderr),
    };
  }

  const show = await step(context, stack.name, "show -json", cwd, [
    "show",
    "-json",
    "-no-color",
    PLAN_FILE,
  ]);
  if (show.status !== 0) {
    return {
      ...base,
      status: "failed",
      reason: `terraform show failed: ${extractError(show.stderr)}`,
    };
  }
  fs.writeFileSync(path.join(cwd, PLAN_JSON_FILE), show.stdout);
  return {
    ...base,
    status: "planned",
    planJson: JSON.parse(show.stdout) as TerraformPlanJson,
    planText: planText(plan.stdout),
    ...(note ? { note } : {}),
  };
}
