/**
 * Every operator command answers --help with usage, options, examples and exit statuses, on
 * stdout, with exit status 0 (`plan` and `diff` are covered with their own command lines).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { run as netbench } from "../../scripts/netbench/cli";
import { scriptCommand } from "../support/script";

const ROOT = path.join(__dirname, "..", "..");

function script(name: string, args: string[]) {
  const [command, commandArgs] = scriptCommand(name, args);
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
    execFile(command, commandArgs, { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

/** scripts/pack.mjs, the plain module `npm run pack` runs. */
function pack(args: string[]) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      [path.join(ROOT, "scripts", "pack.mjs"), ...args],
      { cwd: ROOT },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

/** `bench --help`, run once for the two tests that read it. */
let benchHelpRun: ReturnType<typeof script> | undefined;
const benchHelp = () => (benchHelpRun ??= script("scripts/bench.ts", ["--help"]));

function expectHelp(stdout: string, usage: string): void {
  expect(stdout.startsWith(`usage: ${usage}`)).toBe(true);
  for (const section of ["options:", "-h, --help", "examples:", "exit status:"]) {
    expect(stdout).toContain(section);
  }
}

describe("--help", () => {
  it("netbench", async () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stdout, "write")
      .mockImplementation((chunk) => !!written.push(String(chunk)));
    try {
      expect(await netbench(["staging", "--help"])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expectHelp(written.join(""), "npm run netbench -- <env> [options]");
    expect(written.join("")).toContain("--cleanup");
  });

  it("bench and environments", async () => {
    const [bench, environments] = await Promise.all([
      benchHelp(),
      script("scripts/environments.ts", ["-h"]),
    ]);
    expect([bench.status, bench.stderr]).toEqual([0, ""]);
    expectHelp(bench.stdout, "npm run bench");
    expect([environments.status, environments.stderr]).toEqual([0, ""]);
    expectHelp(environments.stdout, "npm run environments [-- --github | --trust-policies");
  });

  it("bench tests: --workers, and a usage error for anything else (exit 2, nothing measured)", async () => {
    const help = await benchHelp();
    expect(help.stdout).toContain("tests [--workers <n,...>]");
    const refused = await Promise.all([
      script("scripts/bench.ts", ["tests", "--workers", "two"]),
      script("scripts/bench.ts", ["tests", "--fast"]),
    ]);
    expect(refused.map((r) => r.status)).toEqual([2, 2]);
    expect(refused[0].stderr).toContain("--workers takes a comma-separated list");
    expect(refused[1].stderr).toContain("unknown argument --fast");
  });

  it("synth, apply, charts, schema and pack", async () => {
    const [synth, apply, charts, schema, packed] = await Promise.all([
      script("scripts/synth.ts", ["--help"]),
      script("scripts/apply.ts", ["-h"]),
      script("scripts/charts.ts", ["--help"]),
      script("scripts/environment-schema.ts", ["--help"]),
      pack(["--help"]),
    ]);
    for (const [result, usage] of [
      [synth, "npm run synth [-- --verbose]"],
      [apply, "npm run apply -- <stack> ... [--outdir <dir>]"],
      [charts, "npm run charts"],
      [schema, "npm run schema"],
      [packed, "npm run pack [-- <dir>]"],
    ] as const) {
      expect([result.status, result.stderr]).toEqual([0, ""]);
      expectHelp(result.stdout, usage);
    }
  });

  it("environments names the argument it refuses", async () => {
    const refused = await Promise.all([
      script("scripts/environments.ts", ["--bogus\n::error::x"]),
      script("scripts/environments.ts", ["--trust-policies"]),
    ]);
    expect(refused.map((r) => r.status)).toEqual([1, 1]);
    expect(refused[0].stderr).toMatch(/^unknown argument "--bogus\\n::error::x"\nusage: /);
    expect(refused[1].stderr).toMatch(/^--trust-policies needs <owner>\/<repo>\nusage: /);
  });

  it("charts, schema and pack refuse an unknown argument, doing nothing (exit 1)", async () => {
    const schemaFile = path.join(ROOT, "stacks", "environment", "environment.schema.json");
    const before = fs.statSync(schemaFile).mtimeMs;
    const refused = await Promise.all([
      script("scripts/charts.ts", ["--all"]),
      script("scripts/environment-schema.ts", ["--check"]),
      pack(["--out"]),
    ]);
    expect(refused.map((r) => r.status)).toEqual([1, 1, 1]);
    expect(refused[0].stderr).toContain("unknown argument --all\nusage: npm run charts");
    expect(refused[1].stderr).toContain("unknown argument --check\nusage: npm run schema");
    expect(refused[2].stderr).toContain('unexpected argument "--out"\nusage: npm run pack');
    expect(fs.statSync(schemaFile).mtimeMs).toBe(before);
    expect(fs.existsSync(path.join(ROOT, "--out"))).toBe(false);
  });
});
