// `npm run pack [-- <destination>]`: the package as it is published. The repository's
// package.json carries its development scripts (`prepare` builds files the package does not ship)
// and devDependencies; a consumer's install would see them and warn about scripts. So the package
// is staged in a temporary folder with a package.json without `scripts` and `devDependencies`,
// and packed from there: installing it runs nothing. Prints `npm pack --json`'s document.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const destination = path.resolve(process.argv[2] ?? ROOT);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

execFileSync(process.execPath, [path.join(ROOT, "scripts", "build.mjs")], {
  cwd: ROOT,
  stdio: ["ignore", "inherit", "inherit"],
});

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
  const json = execFileSync(npm, ["pack", stage, "--json", "--pack-destination", destination], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(json);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
