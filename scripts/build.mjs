// `npm run build` (also `npm run pack`): the package's lib/. tsc compiles constructs/ and stacks/
// (tsconfig.build.json: JavaScript, .d.ts and declaration maps), then everything the compiled code
// loads from beside itself through __dirname (the manifests chart, the wait script: every
// non-TypeScript file of those trees) is copied next to it, and the Karpenter models are bundled
// into it. lib/ is emptied first, so a deleted source never survives as a stale .js.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { KARPENTER_MODELS_BUNDLE, bundleKarpenterModels } from "./build-karpenter-models.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LIB = path.join(ROOT, "lib");
const SOURCE_TREES = ["constructs", "stacks"];
// Folders tsconfig.build.json excludes (`<folder>/**`), such as the repository's own environment
// files: their assets stay out of the package with their code.
const EXCLUDED = JSON.parse(
  fs.readFileSync(path.join(ROOT, "tsconfig.build.json"), "utf8"),
).exclude.map((pattern) => path.normalize(pattern.replace(/\/\*\*$/, "")) + path.sep);

/** Files of `dir` (recursively) that tsc does not emit, except the source tree's own bundle. */
function assets(dir) {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".ts"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.endsWith(KARPENTER_MODELS_BUNDLE))
    .filter((file) => !EXCLUDED.some((folder) => file.startsWith(folder)));
}

fs.rmSync(LIB, { recursive: true, force: true });
// TypeScript 7, the native compiler that `npm run typecheck` already uses: the same JavaScript as
// TypeScript 5.9's, and equivalent declarations (only the order in which inferred unions and
// object types are printed differs), for about a third of the CPU (3 against 9 CPU s on 2 cores).
// The consumer test compiles a project against these declarations with TypeScript 6 and 7.
// (Its package exports no bin/ path to resolve: the path `npm run typecheck` runs.)
const tsc = path.join(ROOT, "node_modules", "typescript-7", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
for (const file of SOURCE_TREES.flatMap(assets)) {
  fs.cpSync(path.join(ROOT, file), path.join(LIB, file));
}
await bundleKarpenterModels(path.join(LIB, "constructs", KARPENTER_MODELS_BUNDLE));
