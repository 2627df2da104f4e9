import * as fs from "fs";
import * as path from "path";
import { SPEC_GROUPS, SpecGroup, TEST_ROOT, specsBelow, specsOf } from "./spec-groups";

const GROUPS = Object.keys(SPEC_GROUPS) as SpecGroup[];

describe("spec groups", () => {
  it("load every spec below test/ in exactly one group", () => {
    const folders = GROUPS.flatMap((group) => [...SPEC_GROUPS[group]]);
    expect(new Set(folders).size).toBe(folders.length);
    const grouped = GROUPS.flatMap(specsOf).sort();
    expect(grouped).toEqual(specsBelow(TEST_ROOT));
    expect(grouped.length).toBeGreaterThan(60);
  });

  it("name only folders that hold specs", () => {
    const empty = GROUPS.flatMap((group) =>
      SPEC_GROUPS[group].filter((folder) => specsBelow(path.join(TEST_ROOT, folder)).length === 0),
    );
    expect(empty).toEqual([]);
  });

  it("each have one jest test file at test/ that loads them", () => {
    const entries = fs
      .readdirSync(TEST_ROOT)
      .filter((name) => name.endsWith(".test.ts"))
      .sort();
    expect(entries).toEqual(GROUPS.map((group) => `${group}.test.ts`).sort());
    for (const group of GROUPS) {
      const text = fs.readFileSync(path.join(TEST_ROOT, `${group}.test.ts`), "utf8");
      expect(text).toContain(`loadSpecs("${group}");`);
    }
  });

  it("hold no snapshots or module mocks, which belong to a test file of their own", () => {
    const offending = specsBelow(TEST_ROOT).filter((spec) =>
      /toMatch(Inline)?Snapshot|jest\.(mock|doMock|resetModules|isolateModules)\(/.test(
        fs.readFileSync(path.join(TEST_ROOT, spec), "utf8"),
      ),
    );
    expect(offending).toEqual([]);
  });
});
