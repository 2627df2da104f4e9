"use strict";
/**
 * `node scripts/ts-app.cjs <entry.ts> [args...]`: the app command of cdktf.json. Runs a
 * TypeScript entry as CommonJS compiled by esbuild, one module at a time as Node requires it,
 * each from a cache keyed by a hash of its source. Synth then runs compiled JavaScript (tsx holds
 * its loader and transforms in the app process: about 50% more time and memory, see npm run
 * bench), and never stale code: an edited file hashes differently and is compiled again. There is
 * no build step to forget.
 *
 * Only a cache miss loads esbuild, whose one service process then compiles every miss of the run
 * (a process per file took 4.2 s instead of 1.6 s for the doctor's cold start), so a warm run
 * loads no compiler at all. Modules keep their real file names, so `__dirname` (the manifests
 * chart, the wait script) resolves as it does under tsx or tsc. No source maps: stack traces name
 * the right file but the compiled line (run `npx tsx main.ts` for source lines). No type
 * checking: `npm run typecheck`. cdktf.json also caps V8's semi-spaces (docs/benchmark.md).
 */
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = process.env.TS_APP_CACHE || path.join(ROOT, "node_modules", ".cache", "ts-app");
const OPTIONS = require("./esbuild-options.cjs");

/** What, besides a file's path and source, decides its compiled output. */
const SALT = [require("esbuild/package.json").version, JSON.stringify(OPTIONS)].join("\n");

function compile(filename) {
  const source = fs.readFileSync(filename);
  const key = crypto
    .createHash("sha256")
    .update(SALT)
    .update(path.relative(ROOT, filename))
    .update(source)
    .digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, "utf8");

  let code;
  try {
    ({ code } = require("esbuild").transformSync(source.toString("utf8"), {
      ...OPTIONS,
      sourcefile: filename,
    }));
  } catch (error) {
    throw new Error(`esbuild could not compile ${filename}:\n${error.message}`);
  }
  // Written under a temporary name and renamed: parallel runs never read half a file.
  fs.mkdirSync(CACHE, { recursive: true });
  const partial = `${cached}.${process.pid}`;
  fs.writeFileSync(partial, code);
  fs.renameSync(partial, cached);
  return code;
}

Module._extensions[".ts"] = (module, filename) => module._compile(compile(filename), filename);

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/ts-app.cjs <entry.ts> [args...]");
  process.exit(2);
}
// The entry sees the argv it would see as `node <entry> [args...]`, and is the main module
// (`require.main === module`, the guard of a script's command line, holds in it).
process.argv = [process.argv[0], path.resolve(entry), ...args];
Module._load(process.argv[1], null, true);
