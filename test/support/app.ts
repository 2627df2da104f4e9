import * as fs from "fs";
import * as path from "path";
import { App } from "cdktf";
import { allStacks, buildApp } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { scratchDir } from "./scratch";

/**
 * A fresh synth output directory, one level below a fresh temporary directory: local backends
 * keep state three levels above each stack directory (the project root in a real checkout), which
 * must not be a directory every test run on the machine shares (/tmp): two runs would contend for
 * one state file and its lock.
 */
export function tempOutdir(prefix: string): string {
  return path.join(scratchDir(prefix), "cdktf.out");
}

/** Synthesizes environment inputs (validated like any input) into a fresh temporary directory. */
export function synthEnvironments(
  inputs: readonly unknown[],
  options: { offline: boolean },
): { outdir: string; stackNames: string[] } {
  const outdir = tempOutdir("platform-synth-");
  const app = new App({ outdir, skipValidation: false });
  const built = buildApp(app, parseEnvironments(inputs), options);
  app.synth();
  return { outdir, stackNames: allStacks(built).map((s) => s.node.id) };
}

/** Synthesizes the shipped environments into a fresh temporary directory. */
export function synthShipped(options: { offline: boolean }): {
  outdir: string;
  stackNames: string[];
} {
  return synthEnvironments(
    shippedEnvironmentFiles().map((f) => f.input),
    options,
  );
}

export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack);
}

/** The synthesized `cdk.tf.json` of one stack. */
export function stackJson(outdir: string, stack: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(stackDir(outdir, stack), "cdk.tf.json"), "utf8"));
}
