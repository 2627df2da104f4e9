/**
 * One benchmark measurement in a fresh process (spawned by scripts/bench.ts with
 * `node --import tsx`): validates the environment inputs in the JSON file `argv[2]`, builds the
 * app into the output directory `argv[3]` and synthesizes it, then prints one JSON line with the
 * stack count and the process's peak resident memory.
 */
import * as fs from "fs";
import { App } from "cdktf";
import { allStacks, buildApp } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";

const [inputsFile, outdir] = process.argv.slice(2);
if (!inputsFile || !outdir) {
  throw new Error("usage: node --import tsx scripts/bench/synth-child.ts <inputs.json> <outdir>");
}
const environments = parseEnvironments(
  JSON.parse(fs.readFileSync(inputsFile, "utf8")) as unknown[],
);
const app = new App({ outdir, stackTraces: false });
const built = buildApp(app, environments, { offline: false });
app.synth();
console.log(
  JSON.stringify({
    stacks: allStacks(built).length,
    // resourceUsage reports kilobytes.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
