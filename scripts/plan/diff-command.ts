/**
 * `npm run diff -- <stack>`: `cdktf diff` with the Terraform CLI configuration `npm run plan` uses,
 * so that providers come from the local mirror when there is one (offline, Terraform cannot reach
 * its registry) and Terraform's and cdktf's version checks stay off. Offline it synthesizes into
 * the offline folder `npm run plan -- --offline` uses, never into the online one.
 */
import { isOffline, OFFLINE_VARIABLE } from "../../stacks/offline";
import type { CommandHelp } from "../lib/help";
import { defaultOutdir, OFFLINE_OUTDIR, ONLINE_OUTDIR } from "./outdir";

export const DIFF_HELP: CommandHelp = {
  usage: "npm run diff -- <stack> [--offline] [cdktf diff options]",
  summary:
    "Synthesizes the app and runs `cdktf diff` (terraform plan) for one stack, with providers " +
    "from the local mirror when there is one. For a summary of several stacks, use npm run plan.",
  options: [
    [
      "--offline",
      `no AWS account: fake credentials, local state (also PLATFORM_OFFLINE=1); synthesizes into ${OFFLINE_OUTDIR}/`,
    ],
    [
      "-o, --output <dir>",
      `synth output folder (default: $CDKTF_OUTDIR, else ${ONLINE_OUTDIR}/, or ${OFFLINE_OUTDIR}/ offline)`,
    ],
    ["<cdktf diff option>", "passed to cdktf diff as given (npx cdktf diff --help lists them)"],
  ],
  examples: [
    "npm run diff -- dev-infra                      # with your AWS credentials",
    "npm run diff -- dev-infra --offline            # no AWS account needed",
    "npm run diff -- dev-platform --skip-synth      # the last synth output, as it is",
  ],
  exit: [
    [0, "the plan ran (cdktf diff does not say whether anything would change)"],
    [1, "synth or the plan failed, or bad arguments"],
  ],
};

export interface DiffCommand {
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** The `cdktf diff` arguments and environment for `npm run diff -- <argv>`. */
export function diffCommand(argv: readonly string[], env: NodeJS.ProcessEnv): DiffCommand {
  const offline = argv.includes("--offline") || isOffline(env);
  const passed = argv.filter((a) => a !== "--offline");
  const hasOutput = passed.some((a) => a === "-o" || a === "--output" || a.startsWith("--output="));
  return {
    args: [
      "cdktf",
      "diff",
      // On a stack without a lock file cdktf runs `terraform providers lock`, which asks the
      // public registry for checksums whatever the CLI configuration says; offline that fails.
      // The lock file `terraform init` writes from the mirror is enough for a plan.
      ...(offline ? ["--skip-provider-lock"] : []),
      ...(hasOutput ? [] : ["--output", defaultOutdir(offline, env)]),
      ...passed,
    ],
    env: offline ? { ...env, [OFFLINE_VARIABLE]: "1" } : env,
  };
}
