/**
 * One benchmark measurement of a generated set of environments, run by scripts/bench.ts through
 * cdktf.json's app command with this file in place of main.ts: validates the environment inputs
 * in the JSON file `argv[2]`, builds every stack and synthesizes them into `$CDKTF_OUTDIR`.
 */
import * as fs from "fs";
import { App } from "cdktf";
import { buildApp } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";

const [inputsFile] = process.argv.slice(2);
if (!inputsFile) {
  throw new Error("usage: node scripts/ts-app.cjs scripts/bench/synth-child.ts <inputs.json>");
}
const environments = parseEnvironments(
  JSON.parse(fs.readFileSync(inputsFile, "utf8")) as unknown[],
);
const app = new App({ stackTraces: false });
buildApp(app, environments, { offline: false });
app.synth();
