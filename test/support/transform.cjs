"use strict";
/**
 * jest's TypeScript transform: esbuild strips the types, file by file, with the repository's
 * tsconfig. Type checking is `npm run typecheck`'s job (tsconfig.json sets isolatedModules, so
 * every file compiles alone). ts-jest did the same through the TypeScript compiler at several
 * times the CPU, in every worker, warm or cold (docs/benchmark.md). The source map keeps failure
 * locations on the TypeScript lines.
 */
const crypto = require("crypto");
const esbuild = require("esbuild");
const fs = require("fs");
const path = require("path");

const TSCONFIG = fs.readFileSync(path.join(__dirname, "..", "..", "tsconfig.json"), "utf8");
const OPTIONS = {
  loader: "ts",
  format: "cjs",
  platform: "node",
  target: "node20",
  sourcemap: "external",
  tsconfigRaw: TSCONFIG,
};
const SALT = `${esbuild.version}\n${JSON.stringify(OPTIONS)}`;

module.exports = {
  getCacheKey(source, filename) {
    return crypto.createHash("sha256").update(SALT).update(filename).update(source).digest("hex");
  },
  process(source, filename) {
    const { code, map } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code, map };
  },
};
