/**
 * Synthesizing by running the app command from cdktf.json directly, as `cdktf synth` does, but
 * without the cdktf CLI: the CLI streams the app's stderr into its log and then repeats it in its
 * failure report, so every validation error would be printed twice; it also calls HashiCorp's
 * version-check service, which fails without internet.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { OFFLINE_VARIABLE } from "../../stacks/offline";

export interface SynthOptions {
  /** Project directory holding cdktf.json. */
  readonly cwd: string;
  /** Absolute output directory (`cdktf.out`). */
  readonly outdir: string;
  /** Synthesize in offline mode (see stacks/offline.ts). */
  readonly offline: boolean;
  readonly log: (line: string) => void;
  /**
   * Say nothing when it works.
   * @default false: the app command before and the time it took after
   */
  readonly quiet?: boolean;
}

interface CdktfJson {
  readonly app: string;
  readonly context?: Record<string, unknown>;
}

/** Runs the app; its output goes straight to the terminal, once. Throws when it fails. */
export function synthesize(options: SynthOptions): void {
  const config = JSON.parse(
    fs.readFileSync(path.join(options.cwd, "cdktf.json"), "utf8"),
  ) as CdktfJson;
  if (!options.quiet) {
    options.log(`synth: ${config.app} → ${path.relative(options.cwd, options.outdir) || "."}…`);
  }
  const started = Date.now();
  const result = spawnSync(config.app, {
    cwd: options.cwd,
    shell: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      CDKTF_OUTDIR: options.outdir,
      // What the cdktf CLI passes from cdktf.json.
      CDKTF_CONTEXT_JSON: JSON.stringify(config.context ?? {}),
      ...(options.offline ? { [OFFLINE_VARIABLE]: "1" } : {}),
    },
  });
  if (result.status !== 0) {
    throw new Error(`synth failed: ${config.app} exited with ${result.status ?? result.signal}`);
  }
  if (!options.quiet) {
    options.log(`synth: done (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
