/**
 * `npm run bench -- plan [--baseline <checkout>] [--jobs <n>]`: wall time and peak memory of
 * `npm run plan -- --offline` over the shipped stacks, one stack at a time (`--jobs 1`) against
 * side by side (the default jobs), and, with `--baseline`, against the same command in another
 * checkout (the code before a change). Variants run back to back in each round, so load from
 * others on a shared machine falls on all of them alike; BENCH_RUNS rounds (default 3), medians
 * reported. Peak memory is the largest sum of the resident memory of the command's whole process
 * tree (Terraform and its provider processes included), sampled every 200 ms. Writes
 * cdktf.out/bench-plan.md.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? "3") || 3);
const PAGE_KB = 4;

interface Variant {
  readonly label: string;
  readonly cwd: string;
  readonly args: readonly string[];
}

interface Run {
  readonly wallS: number;
  readonly peakMb: number;
  /** CPU seconds of the whole process tree: what the run costs whatever else the machine does. */
  readonly cpuS: number;
}

/** Resident memory of `root` and every process below it, in MB (Linux /proc). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      const ppid = Number(fields[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      rss.set(pid, (Number(fields[21]) * PAGE_KB) / 1024);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    total += rss.get(pid) ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** `times` in bash: the CPU seconds of the shell's children, `0m1.500s 0m0.250s` on its second line. */
function childCpuSeconds(output: string): number | undefined {
  const lines = output.trim().split("\n");
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? "");
  if (!match) return undefined;
  const [, um, us, sm, ss] = match.map(Number);
  return um * 60 + us + sm * 60 + ss;
}

function measure(variant: Variant): Promise<Run> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bench-"));
  const tsx = path.join(variant.cwd, "node_modules", "tsx", "dist", "cli.mjs");
  const started = process.hrtime.bigint();
  const args = [
    tsx,
    "scripts/plan.ts",
    "--offline",
    "--outdir",
    path.join(outdir, "cdktf.out"),
    ...variant.args,
  ];
  // bash's `times` adds up the CPU time of every process below it that has ended.
  const child = spawn(
    "bash",
    ["-c", '"$@" 2>/dev/null; status=$?; times; exit $status', "bench", process.execPath, ...args],
    { cwd: variant.cwd, stdio: ["ignore", "pipe", "ignore"] },
  );
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  let peakMb = 0;
  const sampler = setInterval(() => {
    if (child.pid) peakMb = Math.max(peakMb, treeRssMb(child.pid));
  }, 200);
  return new Promise((resolve, reject) => {
    child.on("close", (code) => {
      clearInterval(sampler);
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      fs.rmSync(outdir, { recursive: true, force: true });
      // Offline, the shipped stacks plan with changes (exit 2); anything else is a failure.
      if (code !== 2) reject(new Error(`${variant.label} exited ${code}`));
      else resolve({ wallS, peakMb, cpuS: childCpuSeconds(stdout) ?? Number.NaN });
    });
  });
}

/** Whether the kernel shares CPU time between sessions rather than processes. */
function autogroup(): boolean {
  try {
    return fs.readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1";
  } catch {
    return false;
  }
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function parse(argv: readonly string[]): { baseline?: string; jobs?: string } {
  const options: { baseline?: string; jobs?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--baseline") options.baseline = path.resolve(argv[++i] ?? "");
    else if (argv[i] === "--jobs") options.jobs = argv[++i];
    else
      throw new Error(
        `unknown argument ${argv[i]}\nusage: npm run bench -- plan [--baseline <checkout>] [--jobs <n>]`,
      );
  }
  return options;
}

export async function planBench(argv: readonly string[]): Promise<void> {
  const options = parse(argv);
  const variants: Variant[] = [
    ...(options.baseline
      ? [
          {
            label: `before (${path.basename(options.baseline)}), as it runs`,
            cwd: options.baseline,
            args: [],
          },
        ]
      : []),
    { label: "one stack at a time (--jobs 1)", cwd: ROOT, args: ["--jobs", "1"] },
    {
      label: `side by side (--jobs ${options.jobs ?? "default"})`,
      cwd: ROOT,
      args: options.jobs ? ["--jobs", options.jobs] : [],
    },
  ];
  const load = [os.loadavg()[0]];
  const runs = new Map<Variant, Run[]>(variants.map((v) => [v, []]));
  for (let round = 1; round <= RUNS; round++) {
    for (const variant of variants) {
      const run = await measure(variant);
      runs.get(variant)?.push(run);
      console.error(
        `  round ${round}: ${variant.label}: ${run.wallS.toFixed(1)} s, ${run.cpuS.toFixed(1)} CPU s, ${run.peakMb.toFixed(0)} MB`,
      );
    }
    load.push(os.loadavg()[0]);
  }
  const rows = variants.map((v) => {
    const r = runs.get(v) ?? [];
    return {
      label: v.label,
      wallS: median(r.map((x) => x.wallS)),
      cpuS: median(r.map((x) => x.cpuS)),
      peakMb: median(r.map((x) => x.peakMb)),
      runs: r,
    };
  });
  const reference = rows[0];
  const report = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}; \`npm run plan -- --offline\` over the shipped stacks, ` +
      `synth included; median of ${RUNS} rounds, variants back to back in each round; 1-minute load average ` +
      `${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} during the runs` +
      (Math.max(...load) > os.cpus().length
        ? " (above the core count: the machine was shared)."
        : ".") +
      (autogroup()
        ? " The kernel shares CPU time between sessions (sched_autogroup), so on a busy machine " +
          "plans side by side share one session's CPU; CPU s is the cost whatever the load."
        : ""),
    "",
    "| variant | wall s (median) | runs, s | wall vs first row | CPU s (median) | peak MB (process tree) |",
    "| --- | ---: | --- | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.wallS.toFixed(1)} | ${r.runs.map((x) => x.wallS.toFixed(1)).join(", ")} | ` +
        `${((100 * r.wallS) / reference.wallS).toFixed(0)} % | ${r.cpuS.toFixed(1)} | ${r.peakMb.toFixed(0)} |`,
    ),
    "",
  ].join("\n");
  console.log(report);
  const out = path.join(ROOT, "cdktf.out");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "bench-plan.md"), report);
  console.error(`written to ${path.relative(process.cwd(), path.join(out, "bench-plan.md"))}`);
}
