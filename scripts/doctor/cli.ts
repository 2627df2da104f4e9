/**
 * `npm run doctor -- <env> [--json] [--kubeconfig <file>] [--context <name>]`: checks the live
 * cluster of an environment against its definition and prints a checklist (or JSON). Exit
 * status: 0 when nothing failed, 1 when a check failed, 2 when the doctor could not run.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import { kubeConfigFor, type AccessOverrides } from "../lib/cluster/access";
import { findEnvironment } from "../../stacks/environments";
import { runDoctor } from "./doctor";
import { exitCode, renderChecklist } from "./report";

export const USAGE =
  "usage: npm run doctor -- <env> [--json] [--kubeconfig <file>] [--context <name>]";

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
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new Error(`name one environment\n${USAGE}`);
  return { environment: positional[0], json, kubeconfig, context };
}

/** The whole run; returns the exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const env = findEnvironment(args.environment);
  const kubeConfig = await kubeConfigFor(env, args);
  const ec2 = env.platform === "eks" ? new EC2Client({ region: env.aws.region }) : undefined;
  const report = await runDoctor(env, { kubeConfig, ec2 });
  process.stdout.write(
    `${args.json ? JSON.stringify(report, null, 2) : renderChecklist(report)}\n`,
  );
  return exitCode(report);
}
