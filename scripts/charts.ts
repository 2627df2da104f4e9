/**
 * `npm run charts`: fills the chart cache (.chart-cache/, or $PLATFORM_CHART_CACHE) with every
 * upstream chart the synthesized stacks use, at the pinned versions, with `helm pull` (Helm from
 * the npm layer package). Needs network access to the chart repositories; the chart-render tests
 * (test/charts) then run offline. Each download is checked: the archive must hold the chart and
 * version asked for, a chart from an https repository must match the sha256 digest its
 * repository index publishes, and an OCI pull is addressed by digest (printed).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { parse as parseYaml } from "yaml";
import { allStacks, buildApp } from "../stacks/app";
import { shippedEnvironments } from "../stacks/environments";
import { chartArchive, chartCacheDir } from "./lib/charts/cache";
import { checkArchive } from "./lib/charts/chart-files";
import { helmBinary, runHelm } from "./lib/charts/helm";
import { type CommandHelp, renderHelp, unknownArgument, wantsHelp } from "./lib/help";
import { chartReferences, type ChartReference } from "./lib/charts/references";

const log = (line: string) => process.stderr.write(`${line}\n`);

const HELP: CommandHelp = {
  usage: "npm run charts",
  summary:
    "Downloads every upstream chart the stacks use, at the pinned versions, into the chart cache " +
    "(.chart-cache/, or $PLATFORM_CHART_CACHE) with helm pull, checking each archive. Needs the " +
    "chart repositories; the chart-render tests then run offline. Charts already there are checked, " +
    "not downloaded again.",
  options: [],
  examples: ["npm run charts", "PLATFORM_CHART_CACHE=/var/cache/charts npm run charts"],
  exit: [
    [0, "every chart is in the cache"],
    [1, "a chart could not be downloaded or did not check out, or an unknown argument"],
  ],
};

/** The upstream charts of every stack of the environments, from an offline synth. */
function referencedCharts(): ChartReference[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-charts-synth-"));
  try {
    const app = new App({ outdir, skipValidation: true });
    const stacks = allStacks(buildApp(app, shippedEnvironments(), { offline: true }));
    app.synth();
    return chartReferences(
      new Map(
        stacks.map((stack) => [
          stack.node.id,
          JSON.parse(
            fs.readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"),
          ),
        ]),
      ),
    );
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The sha256 the repository's index.yaml publishes for the chart version, if any. */
async function indexDigest(reference: ChartReference): Promise<string | undefined> {
  const response = await fetch(`${reference.repository}/index.yaml`, {
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) throw new Error(`${reference.repository}/index.yaml: HTTP ${response.status}`);
  const index = parseYaml(await response.text()) as {
    entries?: Record<string, { version?: string; digest?: string }[]>;
  };
  return index.entries?.[reference.chart]?.find((e) => e.version === reference.version)?.digest;
}

async function fill(reference: ChartReference, cacheDir: string, helm: string): Promise<string> {
  const label = `${reference.chart} ${reference.version}`;
  const target = chartArchive(cacheDir, reference.chart, reference.version);
  if (fs.existsSync(target)) {
    checkArchive(target, reference.chart, reference.version);
    return `${label}: in the cache`;
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "platform-helm-pull-"));
  try {
    const destination = path.join(home, "pulled");
    const oci = reference.repository.startsWith("oci://");
    const run = await runHelm(helm, home, [
      "pull",
      ...(oci
        ? [`${reference.repository}/${reference.chart}`]
        : [reference.chart, "--repo", reference.repository]),
      "--version",
      reference.version,
      "--destination",
      destination,
    ]);
    if (run.status !== 0) throw new Error(`helm pull of ${label} failed:\n${run.stderr.trim()}`);
    const [file] = fs.readdirSync(destination).map((name) => path.join(destination, name));
    checkArchive(file, reference.chart, reference.version);
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    let verified: string;
    if (oci) {
      const digest = /Digest:\s*(sha256:[0-9a-f]+)/.exec(run.stdout + run.stderr)?.[1];
      verified = `OCI manifest ${digest ?? "(digest not printed)"}`;
    } else {
      const published = await indexDigest(reference);
      if (published && published !== sha256) {
        throw new Error(
          `${label}: sha256 ${sha256} differs from the repository index (${published})`,
        );
      }
      verified = published
        ? "sha256 matches the repository index"
        : "the index publishes no digest";
    }
    fs.copyFileSync(file, target);
    return `${label}: pulled from ${reference.repository} (sha256 ${sha256.slice(0, 16)}…, ${verified})`;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const cacheDir = chartCacheDir();
  fs.mkdirSync(cacheDir, { recursive: true });
  const helm = helmBinary();
  const references = referencedCharts();
  log(
    `charts: ${references.length} charts for ${path.relative(process.cwd(), cacheDir) || cacheDir}`,
  );
  let failed = 0;
  for (const reference of references) {
    try {
      log(`  ${await fill(reference, cacheDir, helm)}`);
    } catch (error) {
      failed++;
      log(`  ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failed > 0) {
    log(`charts: ${failed} of ${references.length} could not be filled`);
    process.exitCode = 1;
  }
}

const args = process.argv.slice(2);
if (wantsHelp(args)) {
  process.stdout.write(renderHelp(HELP));
} else if (args.length > 0) {
  log(unknownArgument(HELP, args[0]));
  process.exitCode = 1;
} else {
  void main();
}
