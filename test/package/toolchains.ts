/**
 * Node binaries of the other LTS lines, and the TypeScript 7 (native) compiler, for the consumer
 * test. The npm registry carries Node as packages (`node-<platform>-<arch>`, what the `node`
 * package installs); they are fetched once with npm into a cache folder and reused on every run.
 * TypeScript 7 is the repository's own type checker (the `typescript-7` devDependency).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NPM_ENV } from "./consumer-project";
import { runAsync } from "./run";

/** The Node lines the package supports besides the machine's own (`engines`). */
export const NODE_VERSIONS = ["22.23.5", "24.22.3"] as const;

const CACHE =
  process.env.PLATFORM_TEST_CACHE ?? path.join(os.homedir(), ".cache", "platform-cdktf-toolkit");

/** Installs `spec` into `<cache>/<name>` unless it is there; returns that folder. */
async function cachedInstall(name: string, spec: string): Promise<string> {
  const dir = path.join(CACHE, name);
  if (fs.existsSync(path.join(dir, "installed"))) return dir;
  fs.mkdirSync(CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE, `${name}-`));
  fs.writeFileSync(path.join(staging, "package.json"), '{ "private": true }');
  await runAsync("npm", ["install", "--no-save", "--ignore-scripts", spec], {
    cwd: staging,
    env: NPM_ENV,
  });
  fs.writeFileSync(path.join(staging, "installed"), spec);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return dir;
}

/** The path of a Node binary of `version`. */
export async function nodeBinary(version: string): Promise<string> {
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = await cachedInstall(`node-${version}`, `${pkg}@${version}`);
  return path.join(dir, "node_modules", pkg, "bin", "node");
}

/**
 * TypeScript 7's `tsc` (a launcher for the native binary), the version `cdktf init` resolves
 * today.
 */
export function typescript7(): string {
  return path.join(__dirname, "..", "..", "node_modules", "typescript-7", "bin", "tsc");
}
