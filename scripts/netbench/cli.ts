/**
 * `npm run netbench -- <env> [--image <ref@sha256:…>] [--registry <host>] [--streams <n>]
 * [--seconds <n>] [--compare <earlier.json>] [--outdir <dir>] [--kubeconfig <file>]
 * [--context <name>] [--cleanup]`: measures pod-to-pod TCP throughput, retransmits and round
 * trips on the environment's cluster and writes `<outdir>/netbench/<env>-<time>.{json,md,svg}`.
 */
import * as path from "path";
import { displayLine, displayValue } from "../../constructs/shared/validation/display";
import { isMissingValue, wholeNumber } from "../lib/args";
import { kubeConfigFor, type AccessOverrides } from "../lib/cluster/access";
import { type CommandHelp, renderHelp, wantsHelp } from "../lib/help";
import { findEnvironment } from "../../stacks/environments";
import { CoreV1Api } from "../lib/cluster/kubernetes-client";
import { resolveImage } from "./image";
import { onInterrupt } from "./interrupt";
import { DEFAULT_SETTINGS, type IperfSettings } from "./iperf";
import { writeOutputs } from "./output";
import { MANAGED_SELECTOR } from "./pods";
import { renderMarkdown } from "./report-markdown";
import { readBenchResult } from "./result";
import { NetbenchRun } from "./runner";

export const USAGE =
  "usage: npm run netbench -- <env> [--image <repository>@sha256:<digest>] [--registry <host>] " +
  "[--streams <n>] [--seconds <n>] [--compare <earlier.json>] [--outdir <dir>] " +
  "[--kubeconfig <file>] [--context <name>] [--cleanup] (--help: more)";

export interface NetbenchArgs extends AccessOverrides {
  readonly environment: string;
  /** Resolved image reference; undefined with --cleanup, which runs nothing. */
  readonly image?: string;
  readonly settings: IperfSettings;
  readonly compare?: string;
  readonly outdir: string;
  /** Delete what earlier, killed runs left behind, instead of measuring. */
  readonly cleanup: boolean;
}

export function parseArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): NetbenchArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  let cleanup = false;
  const VALUED = [
    "--image",
    "--registry",
    "--streams",
    "--seconds",
    "--compare",
    "--outdir",
    "--kubeconfig",
    "--context",
  ];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--cleanup") cleanup = true;
    else if (VALUED.includes(arg)) {
      const value = argv[++i];
      if (isMissingValue(value)) throw new Error(`${arg} needs a value\n${USAGE}`);
      options.set(arg, value);
    } else if (arg.startsWith("-"))
      throw new Error(`unknown option ${displayLine(arg, 100)}\n${USAGE}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new Error(`name one environment\n${USAGE}`);
  const count = (option: string, fallback: number, max: number) => {
    const text = options.get(option);
    if (text === undefined) return fallback;
    const value = wholeNumber(text, 1, max);
    if (value === undefined) {
      throw new Error(
        `${option} must be a whole number from 1 to ${max}; got ${displayValue(text)}`,
      );
    }
    return value;
  };
  return {
    environment: positional[0],
    image: cleanup
      ? undefined
      : resolveImage(
          options.get("--image") ?? env.NETBENCH_IMAGE,
          options.get("--registry") ?? env.NETBENCH_REGISTRY,
        ),
    settings: {
      ...DEFAULT_SETTINGS,
      streams: count("--streams", DEFAULT_SETTINGS.streams, 128),
      seconds: count("--seconds", DEFAULT_SETTINGS.seconds, 3600),
    },
    compare: options.get("--compare"),
    outdir: path.resolve(options.get("--outdir") ?? (env.CDKTF_OUTDIR || "cdktf.out")),
    kubeconfig: options.get("--kubeconfig"),
    context: options.get("--context"),
    cleanup,
  };
}

/** Deletes the namespaces of runs that were killed before they could clean up. */
async function removeLeftovers(core: CoreV1Api, log: (line: string) => void): Promise<void> {
  const { items } = await core.listNamespace({ labelSelector: MANAGED_SELECTOR });
  for (const ns of items) {
    const name = ns.metadata?.name ?? "";
    await core.deleteNamespace({ name });
    log(`deleted namespace ${name}`);
  }
  if (items.length === 0) log("nothing to clean up");
}

export const NETBENCH_HELP: CommandHelp = {
  usage: "npm run netbench -- <env> [options]",
  summary:
    "Measures pod-to-pod TCP throughput, retransmits and round trips on the environment's " +
    "cluster, per path (same node, across nodes, across zones), with iperf3 pods in a namespace " +
    "of its own that it deletes afterwards (also on Ctrl-C). Writes " +
    "<outdir>/netbench/<env>-<time>.{json,md,svg} and prints the Markdown report.",
  options: [
    ["--image <repository>@sha256:<digest>", "the iperf3 image (or NETBENCH_IMAGE); required"],
    ["--registry <host>", "pull the image from this mirror (or NETBENCH_REGISTRY)"],
    ["--streams <n>", `parallel TCP streams, 1-128 (default ${DEFAULT_SETTINGS.streams})`],
    ["--seconds <n>", `seconds per measurement, 1-3600 (default ${DEFAULT_SETTINGS.seconds})`],
    ["--compare <earlier.json>", "report the change against an earlier run's JSON"],
    ["--outdir <dir>", "where netbench/ is written (default $CDKTF_OUTDIR or cdktf.out)"],
    ["--kubeconfig <file>", "reach the cluster through this kubeconfig instead"],
    ["--context <name>", "context in that kubeconfig"],
    ["--cleanup", "measure nothing; delete namespaces that killed runs left behind"],
  ],
  examples: [
    "npm run netbench -- staging --image registry.example/iperf3@sha256:<digest>",
    "npm run netbench -- staging --image <ref> --compare cdktf.out/netbench/staging-<time>.json",
    "npm run netbench -- staging --cleanup",
  ],
  exit: [
    [0, "every path measured"],
    [1, "a path could not be measured (its error is in the report)"],
    [2, "netbench could not run: bad arguments, no access, an API request failed"],
    [130, "interrupted (Ctrl-C; 143 for SIGTERM), after deleting what it created"],
  ],
};

/** The whole run; returns the exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (wantsHelp(argv)) {
    process.stdout.write(renderHelp(NETBENCH_HELP));
    return 0;
  }
  const args = parseArgs(argv);
  const env = findEnvironment(args.environment);
  const earlier = args.compare === undefined ? undefined : readBenchResult(args.compare);
  const core = (await kubeConfigFor(env, args)).makeApiClient(CoreV1Api);
  if (args.cleanup || args.image === undefined) {
    await removeLeftovers(core, log);
    return 0;
  }
  const bench = new NetbenchRun(core, { env, image: args.image, settings: args.settings, log });
  const release = onInterrupt(() => bench.cleanup(), `npm run netbench -- ${env.name} --cleanup`);
  try {
    const result = await bench.run();
    const files = writeOutputs(args.outdir, result, earlier);
    process.stdout.write(renderMarkdown(result, earlier));
    log(
      `wrote ${[files.json, files.markdown, files.svg].map((f) => path.relative(process.cwd(), f)).join(", ")}`,
    );
    return result.paths.some((p) => p.error !== undefined) ? 1 : 0;
  } finally {
    release();
  }
}
