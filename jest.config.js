/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Type checking runs once in `npm run typecheck`; ts-jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 120000,
  // Pins the date the EKS calendar checks use (see the file).
  setupFiles: ["<rootDir>/test/support/pinned-date.ts"],
};
