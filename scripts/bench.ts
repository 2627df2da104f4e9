/**
 * `npm run bench`: synth time and peak memory for the shipped environments and for generated sets
 * of 1, 4, 16 and 64 EKS environments, against the cost of loading `@cdktf/provider-aws` from its
 * package root. Each measurement runs in a fresh process so memory is not shared; wall time is
 * measured around the whole process (start-up included), as a user waits for it. Prints a
 * Markdown table and writes it to cdktf.out/bench.md. Set BENCH_RUNS to take the median of
 * several runs (default 1).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EnvironmentInput } from "../stacks/environment/schema";
import { loadEnvironmentFiles } from "../stacks/environments/load";

const ROOT = path.resolve(__dirname, "..");
const CHILD = path.join(__dirname, "bench", "synth-child.ts");
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

function synth(label: string, inputs: readonly EnvironmentInput[]): Measurement {
  return repeat(
    label,
    () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
      try {
        const inputsFile = path.join(work, "environments.json");
        fs.writeFileSync(inputsFile, JSON.stringify(inputs));
        const { wallS, result } = measure([
          "--import",
          "tsx",
          CHILD,
          inputsFile,
          path.join(work, "out"),
        ]);
        return { wallS, peakMb: result.peakRssMb, stacks: result.stacks };
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    },
    inputs.length,
  );
}

type EksEnvironmentInput = Extract<EnvironmentInput, { platform: "eks" }>;

/**
 * `count` copies of the first EKS environment in promotion order (dev) named b001, b002, ..., each
 * with its own cluster name, account ID (and so ARNs and state bucket) and VPC range, so no two
 * share anything but shape.
 */
export function generatedEnvironments(count: number): EnvironmentInput[] {
  const model = loadEnvironmentFiles().find((f) => f.input.platform === "eks")?.input;
  if (model?.platform !== "eks") throw new Error("no EKS environment in stacks/environments/ to copy");
  const modelAccountId = model.aws.accountId;
  const template = JSON.stringify(model);
  return Array.from({ length: count }, (_, i) => {
    const name = `b${String(i + 1).padStart(3, "0")}`;
    const accountId = String(200000000000 + i + 1);
    const copy = JSON.parse(template.split(modelAccountId).join(accountId)) as EksEnvironmentInput;
    return {
      ...copy,
      name,
      aws: { ...copy.aws, vpcCidr: `10.${(i % 200) + 20}.0.0/16` },
      cluster: { ...copy.cluster, name: `${name}-platform` },
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

function verdicts(reference: Measurement, shipped: Measurement, sets: Measurement[]): string[] {
  const perEnv = (m: Measurement) => m.wallS / (m.environments ?? 1);
  const mbPerEnv = (m: Measurement) => m.peakMb / (m.environments ?? 1);
  const at = (n: number) => sets.find((m) => m.environments === n);
  const small = at(4);
  const large = at(64);
  const lines = [
    `Shipped synth vs root import: time ${shipped.wallS.toFixed(2)} s vs ${reference.wallS.toFixed(2)} s ` +
      `(${shipped.wallS < reference.wallS ? "faster" : "NOT faster"}), peak memory ${shipped.peakMb.toFixed(0)} MB vs ` +
      `${reference.peakMb.toFixed(0)} MB (${shipped.peakMb < reference.peakMb ? "less" : "NOT less"}).`,
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
  const shippedInputs = loadEnvironmentFiles().map((f) => f.input);
  const shipped = synth(
    `synth shipped (${shippedInputs.map((e) => e.name).join(", ")})`,
    shippedInputs,
  );
  const sets = GENERATED_SIZES.map((n) =>
    synth(`synth ${n} generated EKS`, generatedEnvironments(n)),
  );
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; median of ${RUNS} run(s); each row is a fresh process, wall time includes Node start-up.`,
    "",
    table([reference, shipped, ...sets]),
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

if (require.main === module) main();
