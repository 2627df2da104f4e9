"use strict";
/**
 * jest's order, with a first guess for suites it has no timings of. Without timings (a fresh
 * clone, CI) jest orders suites by file size, and the suites that spend their time in Terraform,
 * npm or typedoc from a short file started last: in a cold run on 2 cores offline-plans began at
 * 227 s of 256 and ran alone for the last 13 (docs/benchmark.md). The suites below start first,
 * in this order (slowest first, measured with `npm run bench -- tests`); once jest has timed a
 * suite, its own timing decides. A name missing here only costs time:
 * test/support/sequencer.spec.ts keeps every entry pointing at a suite.
 */
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const SLOW_FIRST = [
  "test/package/consumer.test.ts",
  "test/terraform/validate.test.ts",
  "test/terraform/offline-plans.test.ts",
  "test/plan/environment-plan.test.ts",
  "test/plan/real-plan.test.ts",
  "test/stacks.test.ts",
  "test/plan.test.ts",
  "test/constructs.test.ts",
  "test/tools.test.ts",
  "test/plan/diff.test.ts",
  "test/charts.test.ts",
  "test/workflows/saved-plan.test.ts",
  "test/netbench/namespaces.test.ts",
  "test/terraform/conditional-import.test.ts",
  "test/environment/add-an-environment.test.ts",
  "test/package/api-docs.test.ts",
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (test) => {
      const at = SLOW_FIRST.indexOf(path.relative(test.context.config.rootDir, test.path));
      return test.duration == null && at >= 0 ? at : SLOW_FIRST.length;
    };
    // Stable: everything else keeps jest's order behind the guessed suites.
    return sorted
      .map((test, index) => ({ test, index, rank: rank(test) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ test }) => test);
  }
}

module.exports = SlowFirstSequencer;
module.exports.SLOW_FIRST = SLOW_FIRST;
