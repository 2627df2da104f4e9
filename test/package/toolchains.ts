/**
 * Node binaries of the other LTS lines, and the TypeScript 7 (native) compiler, for the consumer
 * test. The npm registry carries Node as packages (`node-<platform>-<arch>`, what the `node`
 * package installs); they are fetched once with npm into a cache folder and reused on every run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { NPM_ENV } from "./consumer-project";
import { runAsync } from "./run";

/** The Node lines the package supports besides the machine's own (`engines`). */
export const NODE_VERSIONS = ["22.23.5", "24.22.3"] as const;
/** TypeScript 7, the native compiler `cdktf init` resolves today. */
export const TYPESCRIPT_7 = "7.0.2";

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

/** The path of TypeScript 7's `tsc` (a launcher for the native binary). */
export async function typescript7(): Promise<string> {
  const dir = await cachedInstall(`typescript-${TYPESCRIPT_7}`, `typescript@${TYPESCRIPT_7}`);
  return path.join(dir, "node_modules", "typescript", "bin", "tsc");
}
