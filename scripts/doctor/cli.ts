/**
 * `npm run doctor -- <env> [--json] [--kubeconfig <file>] [--context <name>]`: checks the live
 * cluster of an environment against its definition and prints a checklist (or JSON). Exit
 * status: 0 when nothing failed, 1 when a check failed, 2 when the doctor could not run.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { displayLine } from "../../constructs/shared/validation/display";
import { ClusterAccessError, kubeConfigFor, type AccessOverrides } from "../lib/cluster/access";
import { AwsCallError } from "../lib/cluster/aws-call";
import { KubeRequestError, type ReadLimits } from "../lib/cluster/kube-reader";
import { type CommandHelp, renderHelp, wantsHelp } from "../lib/help";
import { findEnvironment } from "../../stacks/environments";
import { runDoctor } from "./doctor";
import { exitCode, renderChecklist } from "./report";

export const USAGE =
  "usage: npm run doctor -- <env> [--json] [--kubeconfig <file>] [--context <name>] (--help: more)";

export interface DoctorArgs extends AccessOverrides {
  readonly environment: string;
  readonly json: boolean;
}

export function parseArgs(argv: readonly string[]): DoctorArgs {
  const positional: string[] = [];
  let json = false;
  let kubeconfig: string | undefined;
  let context: string | undefined;
  const value = (option: string, next: string | undefined): string => {
    if (!next || next.startsWith("-")) throw new Error(`${option} needs a value\n${USAGE}`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") json = true;
    else if (arg === "--kubeconfig") kubeconfig = value(arg, argv[++i]);
    else if (arg === "--context") context = value(arg, argv[++i]);
    else if (arg.startsWith("-"))
      throw new Error(`unknown option ${displayLine(arg, 100)}\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new Error(`name one environment\n${USAGE}`);
  return { environment: positional[0], json, kubeconfig, context };
}

export const DOCTOR_HELP: CommandHelp = {
  usage: "npm run doctor -- <env> [--json] [--kubeconfig <file>] [--context <name>]",
  summary:
    "Checks the live cluster of an environment (stacks/environments/<env>.yaml) against its " +
    "definition: nodes, Calico, the pod network mode's ports and MTU, Karpenter, load balancers, " +
    "MetalLB. Reads only. On EKS it finds the cluster with eks:DescribeCluster and reads EC2 " +
    "(security groups, instances) with the shell's AWS credentials.",
  options: [
    ["--json", "print the report (or the error) as JSON on stdout"],
    ["--kubeconfig <file>", "reach the cluster through this kubeconfig instead"],
    ["--context <name>", "context in that kubeconfig (on-prem: the environment's by default)"],
  ],
  examples: [
    "npm run doctor -- dev",
    "AWS_PROFILE=platform-dev npm run doctor -- dev --json",
    "npm run doctor -- onprem --kubeconfig ~/.kube/lab.yaml --context lab-admin",
  ],
  exit: [
    [0, "every check passed (warnings allowed)"],
    [1, "a check failed"],
    [2, "the doctor could not run: bad arguments, no access, a request failed or timed out"],
    [130, "interrupted (Ctrl-C)"],
  ],
};

/** The whole run may take this long; each request has its own, shorter deadline. */
export const OVERALL_DEADLINE_MS = 120_000;

/** What stopped the run: the failing call and what to try next. */
export interface DoctorFailure {
  readonly call?: string;
  readonly message: string;
  readonly next?: string;
}

const KUBERNETES_NEXT =
  "check that this machine reaches the cluster's API server and that your identity may read " +
  "it; to use another kubeconfig: --kubeconfig <file> [--context <name>]";

function failureOf(error: unknown): DoctorFailure {
  if (error instanceof AwsCallError || error instanceof ClusterAccessError) {
    return { call: error.call, message: error.message, next: error.next };
  }
  if (error instanceof KubeRequestError) {
    return { call: `kubernetes ${error.request}`, message: error.message, next: KUBERNETES_NEXT };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export interface DoctorRunOptions {
  readonly deadlineMs?: number;
  readonly limits?: ReadLimits;
}

/** The whole run; returns the exit status. */
export async function run(
  argv: readonly string[],
  options: DoctorRunOptions = {},
): Promise<number> {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (wantsHelp(argv)) {
    process.stdout.write(renderHelp(DOCTOR_HELP));
    return 0;
  }
  const json = argv.includes("--json");
  const controller = new AbortController();
  const deadlineMs = options.deadlineMs ?? OVERALL_DEADLINE_MS;
  const timer = setTimeout(
    () => controller.abort(new Error(`the doctor's ${deadlineMs / 1000} s deadline passed`)),
    deadlineMs,
  );
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    controller.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onInterrupt);
  process.once("SIGTERM", onInterrupt);
  let environment: string | undefined;
  try {
    const args = parseArgs(argv);
    environment = args.environment;
    const env = findEnvironment(args.environment);
    const signal = controller.signal;
    const kubeConfig = await kubeConfigFor(env, args, undefined, signal);
    const ec2 =
      env.platform === "eks"
        ? new EC2Client({ region: env.aws.region, maxAttempts: 2 })
        : undefined;
    const report = await runDoctor(env, { kubeConfig, ec2, signal, limits: options.limits });
    out(args.json ? JSON.stringify(report, null, 2) : renderChecklist(report));
    return exitCode(report);
  } catch (error) {
    const failure = failureOf(error);
    if (json) out(JSON.stringify({ environment, error: failure }, null, 2));
    else {
      process.stderr.write(
        `doctor: ${failure.message}\n${failure.next ? `  next: ${failure.next}\n` : ""}`,
      );
    }
    return interrupted ? 130 : 2;
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", onInterrupt);
    process.off("SIGTERM", onInterrupt);
  }
}
