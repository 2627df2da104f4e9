/**
 * A fresh project shaped like `cdktf init --template typescript` (its package.json fields,
 * tsconfig.json and cdktf.json; template/ holds the last two) that depends on the packed tarball
 * and, beside it, only the peer packages, at the versions this repository pins.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "./run";

const ROOT = path.resolve(__dirname, "../..");
const TEMPLATE = path.join(__dirname, "template");

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

export const REPOSITORY_PACKAGE = JSON.parse(
  fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
) as PackageJson;

/** The exact version this repository tests with, for a package it pins as a devDependency. */
function pinned(name: string): string {
  const version = REPOSITORY_PACKAGE.devDependencies?.[name];
  if (!version) throw new Error(`${name} is not a devDependency of the repository`);
  return version;
}

/** Writes the project into `dir` and copies examples/ into it. */
export function writeConsumerProject(dir: string, tarball: string): void {
  const peers = Object.keys(REPOSITORY_PACKAGE.peerDependencies ?? {});
  const pkg = {
    name: "consumer",
    version: "1.0.0",
    main: "main.js",
    types: "main.ts",
    license: "MPL-2.0",
    private: true,
    scripts: { build: "tsc", synth: "cdktf synth" },
    dependencies: {
      [REPOSITORY_PACKAGE.name]: `file:${tarball}`,
      ...Object.fromEntries(peers.map((name) => [name, pinned(name)])),
    },
    // The template's compiler; its jest and ts-node are not needed to compile and run.
    devDependencies: {
      "@types/node": pinned("@types/node"),
      typescript: pinned("typescript"),
    },
  };
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  for (const file of fs.readdirSync(TEMPLATE)) {
    fs.copyFileSync(path.join(TEMPLATE, file), path.join(dir, file));
  }
  fs.cpSync(path.join(ROOT, "examples"), path.join(dir, "examples"), { recursive: true });
}

/**
 * Installs the project's dependencies. `--prefer-offline` takes every package npm has cached
 * (the repository's own `npm ci` cached the peers and zod) and asks the registry only for what is
 * missing, such as package metadata that `npm ci` does not cache. Returns npm's output.
 */
export function installConsumerProject(dir: string): string {
  const { stdout, stderr } = run(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund"],
    {
      cwd: dir,
    },
  );
  return `${stdout}${stderr}`;
}

/** Every file below `dir` whose name ends with one of `suffixes`, relative to `dir`. */
export function filesBelow(dir: string, suffixes: readonly string[]): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}
