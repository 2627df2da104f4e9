/**
 * The API reference in docs/api is generated from the TSDoc of the package's two entry points
 * (`npm run docs`, typedoc.json). Regenerating it must reproduce the committed files exactly, and
 * typedoc must report no warning (typedoc.json turns them into errors), such as a public
 * declaration that refers to a type the package does not export.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { filesBelow } from "./consumer-project";
import { run } from "./run";

const ROOT = path.resolve(__dirname, "../..");
const COMMITTED = path.join(ROOT, "docs", "api");

describe("API reference (docs/api)", () => {
  let fresh: string;
  beforeAll(() => {
    fresh = fs.mkdtempSync(path.join(os.tmpdir(), "api-docs-"));
    const typedoc = path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
    run(process.execPath, [typedoc, "--out", fresh], { cwd: ROOT });
  });
  afterAll(() => fs.rmSync(fresh, { recursive: true, force: true }));

  it("is what npm run docs generates from the current sources", () => {
    const committed = filesBelow(COMMITTED, [".md"]).sort();
    const generated = filesBelow(fresh, [".md"]).sort();
    expect(committed.length).toBeGreaterThan(0);
    const stale = [
      ...generated.filter((f) => !committed.includes(f)).map((f) => `missing: ${f}`),
      ...committed.filter((f) => !generated.includes(f)).map((f) => `no longer generated: ${f}`),
      ...generated
        .filter((f) => committed.includes(f))
        .filter(
          (f) =>
            fs.readFileSync(path.join(fresh, f), "utf8") !==
            fs.readFileSync(path.join(COMMITTED, f), "utf8"),
        )
        .map((f) => `changed: ${f}`),
    ];
    // On failure: run `npm run docs` and commit docs/api.
    expect(stale).toEqual([]);
  });
});
