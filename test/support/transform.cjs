"use strict";
/**
 * jest's TypeScript transform: esbuild strips the types, as scripts/ts-app.cjs does
 * (scripts/esbuild-options.cjs), with a source map that keeps failure locations on the TypeScript
 * lines. ts-jest did the same through the TypeScript compiler, at several times the CPU for every
 * file jest has not cached yet (docs/benchmark.md).
 */
const crypto = require("crypto");
const esbuild = require("esbuild");
const ESBUILD_OPTIONS = require("../../scripts/esbuild-options.cjs");

const OPTIONS = { ...ESBUILD_OPTIONS, sourcemap: "external" };
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
