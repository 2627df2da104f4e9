"use strict";
/**
 * How TypeScript is compiled to run without a build: by scripts/ts-app.cjs (the app command and
 * the scripts) and by jest (test/support/transform.cjs). esbuild strips the types of one module at
 * a time; the repository's tsconfig sets semantics such as class fields and, with
 * isolatedModules, keeps every file compilable alone. Type checking is `npm run typecheck`'s.
 */
const fs = require("fs");
const path = require("path");

module.exports = {
  loader: "ts",
  format: "cjs",
  platform: "node",
  target: "node20",
  tsconfigRaw: fs.readFileSync(path.join(__dirname, "..", "tsconfig.json"), "utf8"),
};
