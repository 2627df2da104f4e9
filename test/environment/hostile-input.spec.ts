/**
 * Hostile environment folders through the real entry points: the app command of cdktf.json
 * (main.ts, what `cdktf synth` runs) and `npm run synth`. Every hostile entry must be rejected,
 * named with its file and field, without a stack trace, with nothing echoed raw that could forge a
 * line, within a time limit (a FIFO or /dev/zero must not stall it), and with nothing written to
 * the output folder; the valid files beside them must not be reported.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironmentFiles } from "../../stacks/environment/load";
import { ENVIRONMENTS_DIR_VARIABLE } from "../../stacks/environments";
import { edited, environmentsFolder, shippedEnvironmentTexts } from "../support/environment-files";
import { writeHostileCorpus, type Corpus } from "../support/hostile-corpus";
import { scriptCommand } from "../support/script";

const ROOT = path.resolve(__dirname, "../..");
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")).app as string;
/** Far above what the run takes (seconds); a hang ends the run here and fails the test. */
const TIMEOUT_MS = 120_000;

let work: string;
let environments: string;
let corpus: Corpus;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "hostile-"));
  environments = path.join(work, "environments");
  fs.mkdirSync(environments);
  corpus = writeHostileCorpus(environments);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], outdir: string) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      [ENVIRONMENTS_DIR_VARIABLE]: environments,
      CDKTF_OUTDIR: outdir,
      PLATFORM_OFFLINE: "1",
    },
  });
  return {
    status: result.status,
    signal: result.signal,
    output: `${result.stdout}${result.stderr}`,
    seconds: (Date.now() - started) / 1000,
  };
}

/** The problem lines of each file block in the output, by the header line that names the file. */
function blocks(output: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let header: string | undefined;
  for (const line of output.split("\n")) {
    if (line.startsWith("  - ") && header !== undefined) found.get(header)?.push(line.slice(4));
    else if (/ is invalid \(\d+ problems?\):$/.test(line)) found.set((header = line), []);
    else header = undefined;
  }
  return found;
}

/** The entry's name as a header shows it: escaped as JSON does, and bidirectional controls too. */
const shown = (entry: string) =>
  `/${JSON.stringify(entry)
    .slice(1, -1)
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`)}`;

function expectSafe(output: string): void {
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/^::/m);
  // No control, line-separator or bidirectional character other than the newlines between lines.
  expect(output).not.toMatch(
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffd]/,
  );
  expect(output.length).toBeLessThan(200_000);
}

describe("a folder of hostile environment files", () => {
  let main: ReturnType<typeof run>;
  let outdir: string;
  beforeAll(() => {
    outdir = path.join(work, "main.out");
    main = run("/bin/sh", ["-c", APP], outdir);
  });

  it("stops the app, in time, with nothing written", () => {
    expect({ status: main.status, signal: main.signal }).toEqual({ status: 1, signal: null });
    expect(main.seconds).toBeLessThan(60);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it("echoes nothing raw: no stack trace, control character or forged line, and not too much", () => {
    expectSafe(main.output);
  });

  it("reports every hostile entry with its field", () => {
    const found = [...blocks(main.output)];
    const missing = corpus.cases.filter(({ entry, where, message }) => {
      const block = found.find(([header]) => header.includes(shown(entry)));
      return !block?.[1].some((line) => {
        const [at, ...rest] = line.split(": ");
        const matches = typeof where === "string" ? at === where : where.test(at);
        return matches && message.test(rest.join(": "));
      });
    });
    expect(
      missing.map((c) => ({ ...c, output: found.find(([h]) => h.includes(shown(c.entry))) })),
    ).toEqual([]);
  });

  it("does not report the valid files beside them", () => {
    const headers = [...blocks(main.output).keys()];
    for (const name of ["dev", "staging", "prod", "onprem", ...corpus.accepted]) {
      expect(headers.filter((h) => h.includes(`/${name}.yaml:`))).toEqual([]);
    }
  });
});

describe("npm run synth over the same folder", () => {
  it("fails in time with the same report, safe to print, and leaves no output folder", () => {
    const outdir = path.join(work, "synth.out");
    // scripts/synth.ts, what `npm run synth` runs (see scriptCommand for the launcher).
    const result = run(...scriptCommand("scripts/synth.ts"), outdir);
    expect({ status: result.status, signal: result.signal }).toEqual({ status: 1, signal: null });
    expectSafe(result.output);
    expect(result.output).toContain(`${shown("fifo.yaml")}`);
    expect(result.output).toMatch(/synth failed: .* exited with 1/);
    expect(fs.existsSync(outdir)).toBe(false);
  });
});

describe("values and file names that would forge lines", () => {
  it("are refused, and echoed escaped", () => {
    const staging = shippedEnvironmentTexts()["staging.yaml"];
    const dir = environmentsFolder({
      "staging.yaml": edited(staging, [
        ["owner: platform-team", 'owner: "team\\r\\n::error file=x::forged\\u001b[2K"'],
      ]),
      "::error::qa.yaml": edited(staging, [["promotion: 20", "promotion: 25"]]),
    });
    try {
      expect(() => loadEnvironmentFiles(dir)).toThrow();
      let message = "";
      try {
        loadEnvironmentFiles(dir);
      } catch (error) {
        message = (error as Error).message;
      }
      expectSafe(message);
      expect(message).toContain(
        "  - owner: holds U+000D, a control or invisible character, at position 5; write plain text on one line",
      );
      expect(message).toContain(
        `"${path.join(dir, "::error::qa.yaml")}": environment "::error::qa"`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
