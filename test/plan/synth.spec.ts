/**
 * `npm run synth` (scripts/synth.ts) runs the app command of cdktf.json itself: an invalid
 * environment is reported once (the cdktf CLI logs the app's stderr as it streams and then
 * repeats it in its failure report), and the synth-time findings are printed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVIRONMENTS_DIR_VARIABLE } from "../../stacks/environments";
import { edited, environmentsFolder, shippedEnvironmentTexts } from "../support/environment-files";
import { scriptCommand } from "../support/script";

const ROOT = path.resolve(__dirname, "../..");

/** scripts/synth.ts, what `npm run synth` runs (see scriptCommand for the launcher). */
function npmRunSynth(cwd: string, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const [command, commandArgs] = scriptCommand("scripts/synth.ts", args);
  const result = spawnSync(command, commandArgs, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("npm run synth", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints an invalid environment file's problems once, naming the file and field, and emits nothing", () => {
    // The real app, with dev's file broken in a copy of the environments folder: its pod range
    // inside the VPC.
    const environments = environmentsFolder({
      "dev.yaml": edited(shippedEnvironmentTexts()["dev.yaml"], [
        ["podCidr: 10.244.0.0/16", "podCidr: 10.10.128.0/17"],
      ]),
    });
    const outdir = path.join(dir, "broken.out");
    try {
      const { status, output } = npmRunSynth(ROOT, {
        CDKTF_OUTDIR: outdir,
        [ENVIRONMENTS_DIR_VARIABLE]: environments,
      });
      expect(status).toBe(1);
      const problem =
        "podNetwork.podCidr: 10.10.128.0/17 overlaps the VPC CIDR 10.10.0.0/16; Calico pods need a range outside the VPC";
      expect(output.split(problem)).toHaveLength(2);
      expect(output).toContain(
        `${path.join(environments, "dev.yaml")}: environment "dev" is invalid (1 problem):\n  - ${problem}`,
      );
      // The problem, not where in the code it was found.
      expect(output).not.toMatch(/^\s+at /m);
      expect(output).toMatch(/synth failed: .*main\.ts exited with 1/);
      expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    } finally {
      fs.rmSync(environments, { recursive: true, force: true });
    }
  });

  it("synthesizes every stack and prints its warnings, each once, without calling HashiCorp's version check", () => {
    const outdir = path.join(dir, "cdktf.out");
    const { status, output } = npmRunSynth(ROOT, { CDKTF_OUTDIR: outdir, PLATFORM_OFFLINE: "1" });
    expect(status).toBe(0);
    // Offline, every stack keeps local state: one line names them all.
    expect(output.match(/PLT-STATE-2: the state is on local disk/g)).toHaveLength(1);
    expect(output).toMatch(/^WARN \[dev-infra\/backend, dev-platform\/backend, .*\]: PLT-STATE-2/m);
    // Notes (suppressed findings) only on request.
    expect(output).not.toContain("INFO");
    expect(output).toMatch(
      /synth: \d+ stacks in .*cdktf\.out\/stacks; \d+ notes \(--verbose shows them\)$/m,
    );
    expect(output).not.toMatch(/^synth: node /m);
    expect(output).not.toContain("checkpoint");
    expect(fs.existsSync(path.join(outdir, "stacks", "dev-infra", "cdk.tf.json"))).toBe(true);
  });

  it("prints the notes and the app command with --verbose", () => {
    // dev's file alone: the previous test synthesized every stack already.
    const environments = environmentsFolder(
      Object.fromEntries(
        Object.keys(shippedEnvironmentTexts())
          .filter((file) => file !== "dev.yaml")
          .map((file) => [file, null]),
      ),
    );
    const outdir = path.join(dir, "verbose.out");
    try {
      const { status, output } = npmRunSynth(
        ROOT,
        { CDKTF_OUTDIR: outdir, [ENVIRONMENTS_DIR_VARIABLE]: environments },
        ["--verbose"],
      );
      expect(status).toBe(0);
      expect(output).toContain(
        "INFO [dev-bootstrap/backend]: PLT-STATE-2 suppressed on dev-bootstrap/backend",
      );
      expect(output).toMatch(/^synth: node .*main\.ts → /m);
    } finally {
      fs.rmSync(environments, { recursive: true, force: true });
    }
  });
});
