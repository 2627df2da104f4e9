/**
 * scripts/ts-app.cjs, the runner cdktf.json's app command uses: TypeScript compiled per module
 * from a cache keyed by source, so an edit is never answered with stale code.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const TS_APP = path.resolve(__dirname, "../../scripts/ts-app.cjs");

describe("scripts/ts-app.cjs", () => {
  let dir: string;
  let cache: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-app-"));
    cache = path.join(dir, "cache");
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(
      path.join(dir, "main.ts"),
      [
        'import { answer, where } from "./lib/dep";',
        "const args: string[] = process.argv.slice(2);",
        "const main = require.main === module;",
        "console.log(JSON.stringify({ answer, where, args, entry: process.argv[1], main }));",
      ].join("\n"),
    );
    writeDep(1);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function writeDep(answer: number): void {
    fs.writeFileSync(
      path.join(dir, "lib", "dep.ts"),
      `export const answer: number = ${answer};\nexport const where: string = __dirname;\n`,
    );
  }

  function runApp(...args: string[]) {
    const result = spawnSync(process.execPath, [TS_APP, "main.ts", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, TS_APP_CACHE: cache },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it("runs the entry as node runs a main module: its arguments, require.main, each module's own __dirname", () => {
    const { status, stdout, stderr } = runApp("--flag", "value");
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      answer: 1,
      where: path.join(dir, "lib"),
      args: ["--flag", "value"],
      entry: path.join(dir, "main.ts"),
      // What a script's `if (require.main === module)` guard reads.
      main: true,
    });
  });

  it("compiles an edited module again instead of running the cached one", () => {
    expect(JSON.parse(runApp().stdout).answer).toBe(1);
    expect(fs.readdirSync(cache)).toHaveLength(2);
    writeDep(2);
    expect(JSON.parse(runApp().stdout).answer).toBe(2);
    // The entry came from the cache; only the edited module was compiled.
    expect(fs.readdirSync(cache)).toHaveLength(3);
  });

  it("fails with esbuild's message when a module does not compile", () => {
    fs.writeFileSync(path.join(dir, "lib", "dep.ts"), "export const answer = ;\n");
    const { status, stderr } = runApp();
    expect(status).not.toBe(0);
    expect(stderr).toContain(`esbuild could not compile ${path.join(dir, "lib", "dep.ts")}`);
    expect(stderr).toContain("Unexpected");
  });
});
