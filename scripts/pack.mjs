// `npm run pack [-- <destination>]`: the package as it is published. The repository's
// package.json carries its development scripts (`prepare` builds files the package does not ship)
// and devDependencies; a consumer's install would see them and warn about scripts. So the package
// is staged in a temporary folder with a package.json without `scripts` and `devDependencies`,
// and packed from there: installing it runs nothing. Prints `npm pack --json`'s document.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// The format of scripts/lib/help.ts (TypeScript, which this plain module cannot import).
const HELP = `usage: npm run pack [-- <dir>]

Builds lib/ and packs the package as it is published, without the repository's scripts and
devDependencies, into <dir> (default: the repository); prints npm pack's JSON document.

options:
  -h, --help  print this help and exit

examples:
  npm run pack
  npm run pack -- /tmp/package

exit status:
  0  packed
  1  the build or npm pack failed, or bad arguments
`;
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unexpected = args.find((arg) => arg.startsWith("-")) ?? args[1];
if (unexpected !== undefined) {
  // Quoted as JSON: no terminal escape or line break of the argument reaches stderr as itself.
  console.error(
    `unexpected argument ${JSON.stringify(unexpected)}\nusage: npm run pack [-- <dir>] (--help: more)`,
  );
  process.exit(1);
}
const destination = path.resolve(args[0] ?? ROOT);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
try {
  fs.mkdirSync(destination, { recursive: true });
} catch (error) {
  console.error(
    `npm run pack: cannot make the destination folder ${destination}: ${error.message}`,
  );
  process.exit(1);
}

/**
 * A step's stdout (empty unless `stdout` is "pipe"), or undefined when it failed: it printed its
 * own errors, and the exit status is set.
 */
function step(label, command, args, stdout = "pipe") {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", stdout, "inherit"],
  });
  if (result.status === 0) return result.stdout ?? "";
  console.error(
    `npm run pack: ${label} failed (${result.error?.message ?? `exit ${result.status}`})`,
  );
  process.exitCode = 1;
  return undefined;
}

// The build's output goes to stderr as it comes: stdout carries only npm pack's JSON.
if (
  step("the build", process.execPath, [path.join(ROOT, "scripts", "build.mjs")], 2) === undefined
) {
  process.exit();
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const published = { ...manifest };
delete published.scripts;
delete published.devDependencies;
// The repository's install-script decisions (npm 11); a dependency's own field does nothing.
delete published.allowScripts;
const stage = fs.mkdtempSync(path.join(os.tmpdir(), "pack-"));
try {
  fs.writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
  // What `files` names (folders, and globs of one folder's files), README, LICENSE, CHANGELOG.
  for (const entry of [...published.files, "README.md", "LICENSE"]) {
    const [folder, glob] = entry.split(/\/(?=\*)/);
    const from = path.join(ROOT, folder);
    if (!fs.existsSync(from)) continue;
    if (glob === undefined) {
      fs.cpSync(from, path.join(stage, folder), { recursive: true });
      continue;
    }
    const suffix = glob.replace(/^\*/, "");
    fs.mkdirSync(path.join(stage, folder), { recursive: true });
    for (const name of fs.readdirSync(from).filter((n) => n.endsWith(suffix))) {
      fs.copyFileSync(path.join(from, name), path.join(stage, folder, name));
    }
  }
  const json = step("npm pack", npm, ["pack", stage, "--json", "--pack-destination", destination]);
  if (json !== undefined) process.stdout.write(json);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
