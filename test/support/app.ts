import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App } from "cdktf";
import { allStacks, buildApp } from "../../stacks/app";
import { parseEnvironments } from "../../stacks/environment/validate";
import { SHIPPED_ENVIRONMENTS } from "../../stacks/environments";

/** Synthesizes the shipped environments into a fresh temporary directory. */
export function synthShipped(options: { offline: boolean }): {
  outdir: string;
  stackNames: string[];
} {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-synth-"));
  const app = new App({ outdir, skipValidation: false });
  const built = buildApp(app, parseEnvironments(SHIPPED_ENVIRONMENTS), options);
  app.synth();
  return { outdir, stackNames: allStacks(built).map((s) => s.node.id) };
}

export function stackDir(outdir: string, stack: string): string {
  return path.join(outdir, "stacks", stack);
}
