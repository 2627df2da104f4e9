/**
 * `npm run bench -- tests [--workers <n,...>]`: what `npm test` costs, as a whole and phase by
 * phase. As a whole twice: from cold caches, as on a fresh clone or in CI (the type check's, the
 * lint's, the format check's and scripts/ts-app.cjs's caches under node_modules/.cache, and
 * jest's cache of transforms and timings, cleared first), then again as a contributor's next run
 * finds them. Then the phases, one at a time with warm caches: the type check, the lint and
 * format check, and jest with each given number of workers (default: the configured one). Wall
 * time and CPU seconds (user + system of the phase's whole process tree, from the kernel's
 * accounting of waited-for children), and the slowest suites from jest's own JSON report.
 * BENCH_RUNS rounds (default 1), medians reported. Writes cdktf.out/bench-tests.md.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? "1") || 1);
const TICKS_PER_S = 100;
const SLOWEST = 10;

interface Phase {
  readonly label: string;
  readonly command: readonly string[];
  /** Runs before the phase, outside its measurement. */
  readonly before?: () => void;
  /** jest's JSON report, for the slowest suites. */
  readonly report?: string;
}

interface PhaseRun {
  readonly wallS: number;
  readonly cpuS: number;
}

/** CPU seconds of this process's waited-for children so far (Linux /proc: cutime + cstime). */
function childrenCpuS(): number {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_S;
}

/** The caches `npm run typecheck`, `npm run lint` (package.json) and ts-app keep, and jest's. */
function clearCaches(): void {
  for (const cache of ["typecheck", "eslint", "prettier", "ts-app"]) {
    fs.rmSync(path.join(ROOT, "node_modules", ".cache", cache), { recursive: true, force: true });
  }
  const cleared = spawnSync(path.join(ROOT, "node_modules", ".bin", "jest"), ["--clearCache"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (cleared.status !== 0) throw new Error(`jest --clearCache failed:\n${cleared.stderr}`);
}

function run(phase: Phase): PhaseRun {
  phase.before?.();
  const cpuBefore = childrenCpuS();
  const start = process.hrtime.bigint();
  const [command, ...args] = phase.command;
  const child = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, CI: "true" },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) {
    throw new Error(`${phase.command.join(" ")} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return { wallS, cpuS: childrenCpuS() - cpuBefore };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function slowestSuites(report: string): string[] {
  const results = (
    JSON.parse(fs.readFileSync(report, "utf8")) as {
      testResults: { name: string; startTime: number; endTime: number }[];
    }
  ).testResults;
  return results
    .map((r) => ({ name: path.relative(ROOT, r.name), s: (r.endTime - r.startTime) / 1000 }))
    .sort((a, b) => b.s - a.s)
    .slice(0, SLOWEST)
    .map((r) => `\`${r.name}\` ${r.s.toFixed(1)} s`);
}

/** The `--workers` list; throws on anything else, for exit status 2. */
export function parseWorkers(args: readonly string[]): (number | undefined)[] {
  const at = args.indexOf("--workers");
  const unknown = at === -1 ? args : args.filter((_, i) => i !== at && i !== at + 1);
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]}`);
  if (at === -1) return [undefined];
  const list = (args[at + 1] ?? "").split(",").map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("--workers takes a comma-separated list of positive integers, such as 1,2");
  }
  return list;
}

export function testBench(workers: readonly (number | undefined)[]): void {
  const out = path.join(ROOT, "cdktf.out");
  fs.mkdirSync(out, { recursive: true });
  const jest = path.join(ROOT, "node_modules", ".bin", "jest");
  const npmTest = (report: string) =>
    ["npm", "test", "--silent", "--", "--silent", "--json", `--outputFile=${report}`] as const;
  const cold = path.join(out, "bench-tests-npm-test-cold.json");
  const warm = path.join(out, "bench-tests-npm-test.json");
  const phases: Phase[] = [
    // What a contributor waits for; the phases below, one at a time, say where it goes.
    {
      label: "`npm test`, cold caches (a fresh clone, CI)",
      command: npmTest(cold),
      report: cold,
      before: clearCaches,
    },
    {
      label: "`npm test` again, warm caches (a contributor's next run)",
      command: npmTest(warm),
      report: warm,
    },
    {
      label: "typecheck (`tsc --noEmit --incremental`)",
      command: ["npm", "run", "--silent", "typecheck"],
    },
    {
      label: "lint (`eslint --cache . && prettier --check --cache .`)",
      command: ["npm", "run", "--silent", "lint"],
    },
    ...workers.map((workers) => {
      const report = path.join(out, `bench-tests-jest-${workers ?? "default"}.json`);
      return {
        label: `jest --ci, ${workers === undefined ? "configured workers" : `--maxWorkers=${workers}`}`,
        command: [
          jest,
          "--ci",
          "--silent",
          "--json",
          `--outputFile=${report}`,
          ...(workers === undefined ? [] : [`--maxWorkers=${workers}`]),
        ],
        report,
      };
    }),
  ];
  const runs = new Map<Phase, PhaseRun[]>(phases.map((p) => [p, []]));
  for (let round = 1; round <= RUNS; round++) {
    for (const phase of phases) {
      const result = run(phase);
      runs.get(phase)!.push(result);
      console.error(
        `[${round}/${RUNS}] ${phase.label}: ${result.wallS.toFixed(1)} s wall, ${result.cpuS.toFixed(0)} CPU s`,
      );
    }
  }
  const rows = phases.map((phase) => {
    const r = runs.get(phase)!;
    return `| ${phase.label} | ${median(r.map((x) => x.wallS)).toFixed(1)} | ${median(r.map((x) => x.cpuS)).toFixed(0)} |`;
  });
  const slowest = phases
    .filter((p) => p.report)
    .map(
      (p) => `- ${p.label}, slowest suites (last round): ${slowestSuites(p.report!).join(", ")}`,
    );
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}, load average ${os.loadavg()[0].toFixed(1)} at the end; median of ${RUNS} round(s).`,
    "",
    "| phase | wall s | CPU s |",
    "| ----- | -----: | ----: |",
    ...rows,
    "",
    ...slowest,
    "",
  ].join("\n");
  console.log(report);
  fs.writeFileSync(path.join(out, "bench-tests.md"), report);
  console.error(`written to ${path.relative(process.cwd(), path.join(out, "bench-tests.md"))}`);
}
