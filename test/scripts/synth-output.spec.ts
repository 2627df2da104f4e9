/**
 * Synth output is written all at once or not at all (scripts/lib/synth-output.ts): the manifest
 * always describes the stack folders beside it, two synths into one folder do not mix, and a
 * failed synth leaves nothing, not even the previous run's stacks.
 */
import { spawn } from "child_process";
import { Annotations, TerraformOutput, TerraformStack } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthesizeAtomically } from "../../scripts/lib/synth-output";
import { ENVIRONMENTS_DIR_VARIABLE } from "../../stacks/environments";
import { edited, environmentsFolder, shippedEnvironmentTexts } from "../support/environment-files";

const ROOT = path.resolve(__dirname, "../..");
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app as string;

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "synth-output-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The manifest's stacks and the stack folders, which must be the same. */
function output(outdir: string): { manifest: string[]; folders: string[]; entries: string[] } {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  for (const stack of Object.values(manifest.stacks)) {
    expect(fs.existsSync(path.join(outdir, stack.synthesizedStackPath))).toBe(true);
  }
  return {
    manifest: Object.keys(manifest.stacks).sort(),
    folders: fs.readdirSync(path.join(outdir, "stacks")).sort(),
    entries: fs.readdirSync(outdir).sort(),
  };
}

/** Stacks with one output each; a stack named `broken` gets an error annotation. */
const stacks =
  (...names: string[]) =>
  (app: import("cdktf").App) => {
    for (const name of names) {
      const stack = new TerraformStack(app, name);
      new TerraformOutput(stack, "name", { value: name });
      if (name === "broken") Annotations.of(stack).addError("this stack cannot be synthesized");
    }
  };

describe("synthesizeAtomically", () => {
  it("writes the manifest and exactly its stacks, and nothing else", () => {
    const outdir = path.join(work, "first");
    synthesizeAtomically(outdir, stacks("a", "b"));
    expect(output(outdir)).toEqual({
      manifest: ["a", "b"],
      folders: ["a", "b"],
      entries: ["manifest.json", "stacks"],
    });
  });

  it("replaces the previous stacks, keeping Terraform's working files of those that stay", () => {
    const outdir = path.join(work, "replace");
    synthesizeAtomically(outdir, stacks("a", "b"));
    fs.mkdirSync(path.join(outdir, "stacks", "a", ".terraform"));
    fs.writeFileSync(path.join(outdir, "stacks", "a", ".terraform.lock.hcl"), "lock");
    fs.mkdirSync(path.join(outdir, "plan"));
    synthesizeAtomically(outdir, stacks("a", "c"));
    expect(output(outdir)).toEqual({
      manifest: ["a", "c"],
      folders: ["a", "c"],
      entries: ["manifest.json", "plan", "stacks"],
    });
    expect(fs.existsSync(path.join(outdir, "stacks", "a", ".terraform"))).toBe(true);
    expect(fs.readFileSync(path.join(outdir, "stacks", "a", ".terraform.lock.hcl"), "utf8")).toBe(
      "lock",
    );
  });

  it("leaves nothing when a stack fails after others were synthesized, not even the previous run", () => {
    const outdir = path.join(work, "broken");
    synthesizeAtomically(outdir, stacks("a", "b"));
    expect(() => synthesizeAtomically(outdir, stacks("a", "broken"))).toThrow(
      /this stack cannot be synthesized/,
    );
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  it("leaves nothing when the stacks only carry error annotations (as under the cdktf CLI)", () => {
    const outdir = path.join(work, "cli");
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "true";
    try {
      expect(() => synthesizeAtomically(outdir, stacks("a", "broken"))).toThrow(
        /synth found errors, so nothing was written:\n\[broken\] this stack cannot be synthesized/,
      );
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("creates no output folder when building the app fails", () => {
    const outdir = path.join(work, "never");
    expect(() =>
      synthesizeAtomically(outdir, () => {
        throw new Error("invalid environment");
      }),
    ).toThrow("invalid environment");
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

/** The app command of cdktf.json over an environments folder, as a promise of its exit. */
function app(
  environments: string,
  outdir: string,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", APP], {
      cwd: ROOT,
      env: {
        ...process.env,
        [ENVIRONMENTS_DIR_VARIABLE]: environments,
        CDKTF_OUTDIR: outdir,
        PLATFORM_OFFLINE: "1",
      },
    });
    let output = "";
    child.stdout.on("data", (data) => (output += data));
    child.stderr.on("data", (data) => (output += data));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

describe("the app (main.ts)", () => {
  const texts = shippedEnvironmentTexts();
  /** A folder with only the named shipped files. */
  const only = (...names: string[]) =>
    environmentsFolder(
      Object.fromEntries(Object.keys(texts).map((f) => [f, names.includes(f) ? texts[f] : null])),
    );

  it("run twice at once into one folder, with different environments, leaves one run's stacks with its manifest", async () => {
    const outdir = path.join(work, "concurrent");
    const [first, second] = [only("dev.yaml", "staging.yaml"), only("prod.yaml", "onprem.yaml")];
    try {
      const results = await Promise.all([app(first, outdir), app(second, outdir)]);
      expect(results.map((r) => r.status)).toEqual([0, 0]);
      const { manifest, folders, entries } = output(outdir);
      expect(folders).toEqual(manifest);
      expect([
        [
          "dev-bootstrap",
          "dev-infra",
          "dev-platform",
          "staging-bootstrap",
          "staging-infra",
          "staging-platform",
        ],
        ["onprem-platform", "prod-bootstrap", "prod-infra", "prod-platform"],
      ]).toContainEqual(manifest);
      expect(entries).toEqual(["manifest.json", "stacks"]);
    } finally {
      for (const dir of [first, second]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("failing after a successful run leaves no stacks of either", async () => {
    const outdir = path.join(work, "after-success");
    const good = only("dev.yaml");
    const bad = environmentsFolder({
      "dev.yaml": edited(texts["dev.yaml"], [["nat: single", "nat: sometimes"]]),
    });
    try {
      expect((await app(good, outdir)).status).toBe(0);
      expect(output(outdir).manifest).toEqual(["dev-bootstrap", "dev-infra", "dev-platform"]);
      const failed = await app(bad, outdir);
      expect(failed.status).toBe(1);
      expect(failed.output).toContain('aws.nat: "sometimes" is not one of');
      expect(fs.readdirSync(outdir)).toEqual([]);
    } finally {
      for (const dir of [good, bad]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
