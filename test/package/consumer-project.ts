/**
 * A consumer project as a team gets it today: the files of `cdktf init --template=typescript`
 * (the template of the cdktf-cli this repository pins) with the packages its post-init hook
 * installs resolved by npm from the registry as the hook does (newest versions), then the install
 * steps and the tsconfig change of docs/consuming.md, exactly as written there.
 *
 * npm resolves the template's packages with `--package-lock-only` (no download), and the
 * documented install then installs everything once. Every npm call shares the user's npm cache
 * and prefers what it holds, so a second run downloads nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { runAsync } from "./run";

const ROOT = path.resolve(__dirname, "../..");
const CDKTF_CLI = path.join(ROOT, "node_modules", "cdktf-cli");
const TEMPLATE = path.join(CDKTF_CLI, "bundle", "templates", "typescript");
const CONSUMING = path.join(ROOT, "docs", "consuming.md");

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

/** npm settings for every call: one shared cache, preferred over the registry; no audit. */
export const NPM_ENV: NodeJS.ProcessEnv = {
  npm_config_prefer_offline: "true",
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

/** The fenced blocks of a language below a `## heading` of docs/consuming.md. */
export function documentedBlocks(heading: string, language: string): string[] {
  const text = fs.readFileSync(CONSUMING, "utf8");
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/consuming.md has no "## ${heading}" section`);
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    ([, body]) => body,
  );
}

/** The packages the template's post-init hook installs: [dependencies, devDependencies]. */
function templateInstalls(): [string[], string[]] {
  const hook = fs.readFileSync(path.join(TEMPLATE, ".hooks.sscaff.js"), "utf8");
  const lists = [...hook.matchAll(/installDeps\(\s*\[([^\]]*)\]/g)].map(([, list]) =>
    list
      .split(",")
      .map((item) => item.trim().replace(/^["'`]|["'`]$/g, ""))
      .filter((item) => item !== ""),
  );
  if (lists.length !== 2) throw new Error("the template's hook no longer installs two lists");
  const cliVersion = (
    JSON.parse(fs.readFileSync(path.join(CDKTF_CLI, "package.json"), "utf8")) as PackageJson
  ).version;
  // The hook's context names cdktf as `cdktf@^<cli version>` (npm_cdktf).
  const [dependencies, devDependencies] = lists;
  return [
    dependencies.map((d) => (d === "npm_cdktf" ? `cdktf@^${cliVersion}` : d)),
    devDependencies,
  ];
}

/** Writes the template's files into `dir`, as `cdktf init` renders them. */
function writeTemplate(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of fs.readdirSync(TEMPLATE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.startsWith(".hooks")) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(dir, path.relative(TEMPLATE, from).replace("{{}}", ""));
    const text = fs
      .readFileSync(from, "utf8")
      .replaceAll("{{ $base }}", "consumer")
      .replace("{{projectId}}", "consumer-test")
      .replace("{{sendCrashReports}}", "false")
      .replace("{{futureFlags}}", "");
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
  }
}

export interface ConsumerProjectOptions {
  /** The tarball to install in place of the package name in the documented command. */
  readonly tarball: string;
  /** Another `@cdktf/provider-aws` spec in place of the documented one. */
  readonly awsProvider?: string;
}

export interface ConsumerProject {
  readonly dir: string;
  /** What npm printed for the documented install. */
  readonly installOutput: string;
}

/** Builds a consumer project in `dir` and runs the documented install steps in it. */
export async function createConsumerProject(
  dir: string,
  options: ConsumerProjectOptions,
): Promise<ConsumerProject> {
  writeTemplate(dir);
  const [dependencies, devDependencies] = templateInstalls();
  const npm = (args: string[]) => runAsync("npm", args, { cwd: dir, env: NPM_ENV });
  await npm(["install", "--package-lock-only", ...dependencies]);
  await npm(["install", "--package-lock-only", "-D", ...devDependencies]);

  // docs/consuming.md: the compiler options to add to the template's.
  const tsconfigPath = path.join(dir, "tsconfig.json");
  const tsconfig = JSON.parse(fs.readFileSync(tsconfigPath, "utf8")) as {
    compilerOptions: Record<string, unknown>;
  };
  for (const block of documentedBlocks("tsconfig", "json")) {
    const { compilerOptions } = JSON.parse(block) as { compilerOptions: Record<string, unknown> };
    Object.assign(tsconfig.compilerOptions, compilerOptions);
  }
  fs.writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2));
  fs.cpSync(path.join(ROOT, "examples"), path.join(dir, "examples"), { recursive: true });
  return documentedInstall(dir, options);
}

/**
 * A copy of `project` whose node_modules shares its files (hard links; npm replaces a package by
 * removing it, never by writing into it), with the documented install command that names
 * `@cdktf/provider-aws` run again with `options`. The copy holds what the other commands
 * installed; running them again would change nothing.
 */
export async function variantOf(
  project: ConsumerProject,
  dir: string,
  options: ConsumerProjectOptions,
): Promise<ConsumerProject> {
  fs.mkdirSync(dir);
  for (const entry of fs.readdirSync(project.dir)) {
    if (entry === "node_modules") continue;
    fs.cpSync(path.join(project.dir, entry), path.join(dir, entry), { recursive: true });
  }
  await runAsync("cp", ["-al", path.join(project.dir, "node_modules"), dir], { cwd: dir });
  // npm rewrites its hidden lockfile in place: this one must be a copy, not the original's link.
  // Kept (not removed), npm reads the installed tree from it instead of from every package.json.
  const hiddenLockfile = path.join("node_modules", ".package-lock.json");
  fs.rmSync(path.join(dir, hiddenLockfile), { force: true });
  fs.copyFileSync(path.join(project.dir, hiddenLockfile), path.join(dir, hiddenLockfile));
  return documentedInstall(dir, options, { onlyProviderCommand: true });
}

const AWS_PROVIDER_SPEC = /@cdktf\/provider-aws@\S+/;

/** docs/consuming.md's install commands, with the tarball for the package name. */
async function documentedInstall(
  dir: string,
  options: ConsumerProjectOptions,
  { onlyProviderCommand = false } = {},
): Promise<ConsumerProject> {
  const [install] = documentedBlocks("Install", "sh");
  const command = `npm install ${REPOSITORY_PACKAGE.name} `;
  if (!install?.includes(command)) {
    throw new Error(`docs/consuming.md's Install block no longer runs "${command}"`);
  }
  let script = install.replace(command, `npm install ${options.tarball} `);
  if (onlyProviderCommand) {
    // One command per line once continuation lines are joined.
    const commands = script.replace(/\\\n/g, " ").split("\n");
    script = commands.filter((line) => AWS_PROVIDER_SPEC.test(line)).join("\n");
    if (script === "") throw new Error("docs/consuming.md's Install block names no provider-aws");
  }
  if (options.awsProvider) {
    script = script.replace(AWS_PROVIDER_SPEC, options.awsProvider);
  }
  const { stdout, stderr } = await runAsync("sh", ["-e", "-c", script], { cwd: dir, env: NPM_ENV });
  return { dir, installOutput: `${stdout}${stderr}` };
}

/** Every file below `dir` whose name ends with one of `suffixes`, relative to `dir`. */
export function filesBelow(dir: string, suffixes: readonly string[]): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && suffixes.some((suffix) => entry.name.endsWith(suffix)))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}
