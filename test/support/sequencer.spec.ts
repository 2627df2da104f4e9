/**
 * test/support/sequencer.cjs: every suite it names exists; without timings those start first, in
 * its order; jest's own order applies to every other suite and to the ones jest has timed.
 */
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";

interface FakeTest {
  readonly path: string;
  readonly context: { config: { cache: boolean; rootDir: string }; hasteFS: unknown };
  duration?: number;
}
interface SequencerClass {
  new (): { sort(tests: FakeTest[]): FakeTest[]; time(test: FakeTest): number | undefined };
  readonly SLOW_FIRST: readonly string[];
}

const ROOT = path.resolve(__dirname, "../..");
const SlowFirst = createRequire(__filename)("./sequencer.cjs") as SequencerClass;
const sizes: Record<string, number> = {
  "test/a-large.test.ts": 3000,
  "test/b-small.test.ts": 100,
  [SlowFirst.SLOW_FIRST[0]]: 200,
  [SlowFirst.SLOW_FIRST[1]]: 500,
};
// jest's caches off: no timings are read from disk.
const context = {
  config: { cache: false, rootDir: ROOT },
  hasteFS: { getSize: (file: string) => sizes[path.relative(ROOT, file)] },
};
const tests = () => Object.keys(sizes).map((file) => ({ path: path.join(ROOT, file), context }));
const order = (sorted: FakeTest[]) => sorted.map((test) => path.relative(ROOT, test.path));

describe("the test sequencer", () => {
  it("names only suites that exist", () => {
    const missing = SlowFirst.SLOW_FIRST.filter(
      (file) => !file.endsWith(".test.ts") || !fs.existsSync(path.join(ROOT, file)),
    );
    expect(missing).toEqual([]);
  });

  it("starts the listed suites first, in the list's order, when jest has no timings", () => {
    expect(order(new SlowFirst().sort(tests()))).toEqual([
      SlowFirst.SLOW_FIRST[0],
      SlowFirst.SLOW_FIRST[1],
      // jest's own order for the rest: the larger file first.
      "test/a-large.test.ts",
      "test/b-small.test.ts",
    ]);
  });

  it("leaves a suite jest has timed to jest's order", () => {
    const sequencer = new SlowFirst();
    const timed = path.join(ROOT, SlowFirst.SLOW_FIRST[0]);
    jest
      .spyOn(sequencer, "time")
      .mockImplementation((test: FakeTest) => (test.path === timed ? 1_000 : undefined));
    // jest runs suites without timings before timed ones.
    expect(order(sequencer.sort(tests()))).toEqual([
      SlowFirst.SLOW_FIRST[1],
      "test/a-large.test.ts",
      "test/b-small.test.ts",
      SlowFirst.SLOW_FIRST[0],
    ]);
  });
});
