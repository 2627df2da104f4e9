/**
 * `npm run bench`: synth time and peak memory for the shipped environments and for generated sets
 * of 1, 4, 16 and 64 EKS environments, against the cost of loading `@cdktf/provider-aws` from its
 * package root. The shipped environments are synthesized by cdktf.json's app command as cdktf
 * runs it (compiled by scripts/ts-app.cjs, from a warm and from an empty cache) and, for
 * comparison, by tsx; the generated sets through ts-app too. Each measurement runs in fresh
 * processes so memory is not shared; wall time is measured around the whole command (start-up
 * included), as a user waits for it. Prints a Markdown table and writes it to cdktf.out/bench.md.
 * Set BENCH_RUNS to take the median of several runs (default 1).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EnvironmentInput } from "../stacks/environment/schema";
import { stateKeyAlias } from "../stacks/backend";
import { shippedEnvironmentFiles } from "../stacks/environments";
import { planBench } from "./bench/plan-bench";
import { parseWorkers, testBench } from "./bench/test-bench";
import { type CommandHelp, renderHelp, unknownArgument, wantsHelp } from "./lib/help";

const ROOT = path.resolve(__dirname, "..");
const CHILD = path.join(__dirname, "bench", "synth-child.ts");
const PEAK_RSS = path.join(__dirname, "bench", "peak-rss.cjs");
const GENERATED_SIZES = [1, 4, 16, 64];
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? "1") || 1);

interface Measurement {
  readonly label: string;
  readonly environments?: number;
  readonly stacks?: number;
  readonly wallS: number;
  readonly peakMb: number;
}

/** Runs `node <args>` in a fresh process; the child prints a JSON line last on stdout. */
function measure(args: string[]): { wallS: number; result: Record<string, number> } {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) {
    throw new Error(`benchmark child failed (node ${args.join(" ")}):\n${child.stderr}`);
  }
  const lines = child.stdout.trim().split("\n");
  return { wallS, result: JSON.parse(lines[lines.length - 1]) as Record<string, number> };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function repeat(
  label: string,
  run: () => { wallS: number; peakMb: number; stacks?: number },
  environments?: number,
): Measurement {
  const runs = Array.from({ length: RUNS }, run);
  const m: Measurement = {
    label,
    environments,
    stacks: runs[0].stacks,
    wallS: median(runs.map((r) => r.wallS)),
    peakMb: median(runs.map((r) => r.peakMb)),
  };
  console.error(`  ${label}: ${m.wallS.toFixed(2)} s, ${m.peakMb.toFixed(0)} MB`);
  return m;
}

/** The app command of cdktf.json, which cdktf (and npm run synth) runs in a shell. */
const APP_COMMAND = (
  JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { app: string }
).app;

/** The app command with another entry than main.ts: the same runner and Node flags. */
function appCommandFor(entryAndArgs: string): string {
  if (!/ main\.ts$/.test(APP_COMMAND)) {
    throw new Error(`cdktf.json's app (${APP_COMMAND}) must end with main.ts`);
  }
  return APP_COMMAND.replace(/main\.ts$/, entryAndArgs);
}

/** The command before scripts/ts-app.cjs, for comparison: tsx's loader in the app process. */
const TSX_COMMAND = "node --import tsx main.ts";

/**
 * Runs a shell command as cdktf runs an app command, into a fresh output directory. The peak is
 * that of its largest Node process (the app process, under a launcher such as npx). With
 * `coldCache`, ts-app starts from an empty cache and compiles every module.
 */
function runApp(command: string, options: { coldCache?: boolean } = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
  try {
    const peaks = path.join(work, "peaks.jsonl");
    const start = process.hrtime.bigint();
    const child = spawnSync(command, {
      cwd: ROOT,
      shell: true,
      encoding: "utf8",
      env: {
        ...process.env,
        CDKTF_OUTDIR: path.join(work, "out"),
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PEAK_RSS}`.trim(),
        BENCH_PEAK_RSS_FILE: peaks,
        ...(options.coldCache ? { TS_APP_CACHE: path.join(work, "cache") } : {}),
      },
    });
    const wallS = Number(process.hrtime.bigint() - start) / 1e9;
    if (child.status !== 0) {
      throw new Error(`benchmark command failed (${command}):\n${child.stderr}`);
    }
    const peakMb = Math.max(
      ...fs
        .readFileSync(peaks, "utf8")
        .trim()
        .split("\n")
        .map((line) => (JSON.parse(line) as { peakRssMb: number }).peakRssMb),
    );
    return { wallS, peakMb, stacks: fs.readdirSync(path.join(work, "out", "stacks")).length };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface ShippedSynth {
  readonly tsx: Measurement;
  readonly warm: Measurement;
  readonly cold: Measurement;
}

/** The shipped environments, by the app command of cdktf.json (warm and cold cache) and by tsx. */
function shippedSynth(): ShippedSynth {
  const shipped = shippedEnvironmentFiles();
  const count = shipped.length;
  const names = shipped.map((f) => f.environment.name).join(", ");
  runApp(APP_COMMAND); // fills the compile cache the warm runs read
  return {
    tsx: repeat(`synth shipped (${names}): \`${TSX_COMMAND}\``, () => runApp(TSX_COMMAND), count),
    warm: repeat(
      `synth shipped: \`${APP_COMMAND}\` (cdktf.json)`,
      () => runApp(APP_COMMAND),
      count,
    ),
    cold: repeat(
      `synth shipped: \`${APP_COMMAND}\`, empty compile cache`,
      () => runApp(APP_COMMAND, { coldCache: true }),
      count,
    ),
  };
}

/** What a typical cdktf project pays: the provider package root, loaded by plain Node. */
function rootImport(): Measurement {
  const script =
    'require("@cdktf/provider-aws");' +
    "console.log(JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 }));";
  return repeat('`require("@cdktf/provider-aws")` (package root)', () => {
    const { wallS, result } = measure(["-e", script]);
    return { wallS, peakMb: result.peakRssMb };
  });
}

/** A generated set, by the app command with scripts/bench/synth-child.ts as its entry. */
function synth(label: string, inputs: readonly EnvironmentInput[]): Measurement {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-inputs-"));
  try {
    const inputsFile = path.join(dir, "environments.json");
    fs.writeFileSync(inputsFile, JSON.stringify(inputs));
    const command = appCommandFor(`${path.relative(ROOT, CHILD)} ${JSON.stringify(inputsFile)}`);
    return repeat(label, () => runApp(command), inputs.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type EksEnvironmentInput = Extract<EnvironmentInput, { platform: "eks" }>;

/**
 * `count` copies of the first EKS environment in promotion order (dev) named b001, b002, ..., each
 * with its own cluster name, account ID (and so ARNs and state bucket), state key alias and VPC
 * range, so no two share anything but shape.
 */
export function generatedEnvironments(count: number): EnvironmentInput[] {
  const model = shippedEnvironmentFiles().find((f) => f.input.platform === "eks")?.input;
  if (model?.platform !== "eks") throw new Error("no EKS environment to copy");
  const template = JSON.stringify(model);
  return Array.from({ length: count }, (_, i) => {
    const name = `b${String(i + 1).padStart(3, "0")}`;
    const accountId = String(200000000000 + i + 1);
    const copy = JSON.parse(
      template.split(model.aws.accountId).join(accountId),
    ) as EksEnvironmentInput;
    return {
      ...copy,
      name,
      aws: { ...copy.aws, vpcCidr: `10.${(i % 200) + 20}.0.0/16` },
      cluster: { ...copy.cluster, name: `${name}-platform` },
      state: copy.state && { ...copy.state, kmsKeyId: `alias/${stateKeyAlias(name)}` },
    };
  });
}

function table(rows: readonly Measurement[]): string {
  const header = [
    "| what | environments | stacks | wall s | peak MB | ms/env |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  return [
    ...header,
    ...rows
      .map((r) =>
        [
          r.label,
          r.environments ?? "",
          r.stacks ?? "",
          r.wallS.toFixed(2),
          r.peakMb.toFixed(0),
          r.environments ? ((r.wallS * 1000) / r.environments).toFixed(0) : "",
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
  ].join("\n");
}

/** The synth target of issue 9 for the shipped environments' app process on the 2-core machine. */
const TARGET = { wallS: 0.8, peakMb: 120 };

function verdicts(reference: Measurement, shipped: ShippedSynth, sets: Measurement[]): string[] {
  const perEnv = (m: Measurement) => m.wallS / (m.environments ?? 1);
  const mbPerEnv = (m: Measurement) => m.peakMb / (m.environments ?? 1);
  const at = (n: number) => sets.find((m) => m.environments === n);
  const small = at(4);
  const large = at(64);
  const { tsx, warm, cold } = shipped;
  const met = warm.wallS < TARGET.wallS && warm.peakMb < TARGET.peakMb;
  const lines = [
    `Shipped synth by cdktf.json's app (compiled, warm cache) vs tsx: ${warm.wallS.toFixed(2)} s vs ` +
      `${tsx.wallS.toFixed(2)} s, ${warm.peakMb.toFixed(0)} MB vs ${tsx.peakMb.toFixed(0)} MB; target ` +
      `under ${TARGET.wallS} s and ${TARGET.peakMb} MB: ${met ? "met" : "NOT met"}. An empty cache ` +
      `(every module compiled once) costs ${(cold.wallS - warm.wallS).toFixed(2)} s more.`,
    `Shipped synth vs root import: time ${warm.wallS.toFixed(2)} s vs ${reference.wallS.toFixed(2)} s ` +
      `(${warm.wallS < reference.wallS ? "faster" : "NOT faster"}), peak memory ${warm.peakMb.toFixed(0)} MB vs ` +
      `${reference.peakMb.toFixed(0)} MB (${warm.peakMb < reference.peakMb ? "less" : "NOT less"}).`,
  ];
  if (small && large) {
    const timeRatio = perEnv(large) / perEnv(small);
    const memRatio = mbPerEnv(large) / mbPerEnv(small);
    const marginalMs = ((large.wallS - small.wallS) * 1000) / 60;
    const marginalMb = (large.peakMb - small.peakMb) / 60;
    lines.push(
      `Growth 4 → 64 environments: per-environment time at 64 is ${timeRatio.toFixed(2)}× that at 4, ` +
        `per-environment memory ${memRatio.toFixed(2)}× (≤ 1 means no faster than linear: ` +
        `${timeRatio <= 1 && memRatio <= 1 ? "yes" : "NO"}); each environment beyond 4 adds ` +
        `${marginalMs.toFixed(0)} ms and ${marginalMb.toFixed(1)} MB.`,
    );
  }
  return lines;
}

function main(): void {
  console.error(
    `Benchmark on ${os.cpus().length} cores, Node ${process.version}, ${RUNS} run(s) each:`,
  );
  const reference = rootImport();
  const shipped = shippedSynth();
  const sets = GENERATED_SIZES.map((n) =>
    synth(`synth ${n} generated EKS`, generatedEnvironments(n)),
  );
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; median of ${RUNS} run(s); each row is a fresh process, wall time includes Node start-up; peak memory is the app process's.`,
    "",
    table([reference, shipped.tsx, shipped.warm, shipped.cold, ...sets]),
    "",
    ...verdicts(reference, shipped, sets).map((line) => `- ${line}`),
    "",
  ].join("\n");
  console.log(report);
  const out = path.join(ROOT, "cdktf.out");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "bench.md"), report);
  console.error(`written to ${path.relative(process.cwd(), path.join(out, "bench.md"))}`);
}

export const BENCH_HELP: CommandHelp = {
  usage: "npm run bench [-- plan [--baseline <checkout>] [--jobs <n>] | tests [--workers <n,...>]]",
  summary:
    "Measures synth time and peak memory: the shipped environments through cdktf.json's app " +
    "command (warm and empty compile cache) and through tsx, generated sets of 1, 4, 16 and 64 " +
    "EKS environments, and loading @cdktf/provider-aws from its package root. Prints a Markdown " +
    "table headed by the date, CPU and Node version, and writes it to cdktf.out/bench.md. Takes " +
    "a few minutes; quote its numbers with that heading or not at all. `plan` measures " +
    "`npm run plan -- --offline` instead (one stack at a time, side by side, and another " +
    "checkout with --baseline), wall time, CPU time and peak memory, into cdktf.out/bench-plan.md. " +
    "`tests` measures npm test as a whole, then phase by phase (type check, lint, jest with each --workers count), " +
    "wall and CPU time and the slowest suites, into cdktf.out/bench-tests.md.",
  options: [
    ["plan", "measure offline plans of the shipped stacks instead of synth"],
    [
      "--baseline <checkout>",
      "with plan: also the same command in another checkout (before a change)",
    ],
    ["--jobs <n>", "with plan: the side-by-side variant's --jobs (default: npm run plan's)"],
    ["tests", "measure npm test's phases instead of synth"],
    ["--workers <n,...>", "with tests: jest's worker counts to compare (default: the configured)"],
  ],
  examples: [
    "npm run bench",
    "BENCH_RUNS=5 npm run bench  # median of 5 runs per row",
    "BENCH_RUNS=3 npm run bench -- plan --baseline ../main  # against a checkout of main",
    "npm run bench -- tests --workers 1,2  # npm test with one and two jest workers",
  ],
  exit: [
    [0, "measured"],
    [1, "a measurement failed"],
    [2, "unknown arguments"],
  ],
};

if (require.main === module) {
  const args = process.argv.slice(2);
  if (wantsHelp(args)) process.stdout.write(renderHelp(BENCH_HELP));
  else if (args[0] === "plan") {
    planBench(args.slice(1)).catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    });
  } else if (args[0] === "tests") {
    let workers: (number | undefined)[] | undefined;
    try {
      workers = parseWorkers(args.slice(1));
    } catch (error: unknown) {
      process.stderr.write(`${(error as Error).message}\nusage: ${BENCH_HELP.usage}\n`);
      process.exitCode = 2;
    }
    if (workers) {
      try {
        testBench(workers);
      } catch (error: unknown) {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      }
    }
  } else if (args.length > 0) {
    process.stderr.write(`${unknownArgument(BENCH_HELP, args[0])}\n`);
    process.exitCode = 2;
  } else main();
}
