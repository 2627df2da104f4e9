// Run as `npx jest`, npm names the lifecycle event "npx", and jest's snapshot hint would say
// `npm run npx -- -u`; without it the hint says to re-run jest with -u.
if (process.env.npm_lifecycle_event === "npx") delete process.env.npm_lifecycle_event;

/** @type {import('jest').Config} */
module.exports = {
  // Node's, removing the temporary folders each suite made once it is over (test/support/scratch.ts).
  testEnvironment: "<rootDir>/test/support/environment.ts",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Slow suites first when jest has no timings yet (a fresh clone, CI): see the file.
  testSequencer: "<rootDir>/test/support/sequencer.cjs",
  // esbuild strips the types (test/support/transform.cjs); `npm run typecheck` checks them once.
  transform: { "^.+\\.ts$": "<rootDir>/test/support/transform.cjs" },
  testTimeout: 120000,
  // Many suites wait on Terraform, Helm and npm child processes, so jest's default of one worker
  // per core but one leaves a 2-core machine half idle: two workers took 407 s against 562 s, and
  // three 284 s against two's 270 s later (npm run bench -- tests, docs/benchmark.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
  maxWorkers: Math.max(2, require("os").availableParallelism() - 1),
  // Quiet output, and the date the EKS calendar checks use (see the files).
  setupFiles: [
    "<rootDir>/test/support/quiet.ts",
    "<rootDir>/test/support/pinned-date.ts",
    "<rootDir>/test/support/scratch-testing.ts",
  ],
  // After jest's source-map support is installed: cdktf's token creation records skip it.
  setupFilesAfterEnv: ["<rootDir>/test/support/creation-stacks.ts"],
};
