/**
 * The documents a team reads in node_modules: every relative link must lead to a file of the
 * package, and every import in their TypeScript examples must name something the package (or a
 * package it depends on) provides.
 */
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import { filesBelow } from "./consumer-project";

/** `file: target` for each relative Markdown link whose file is not in the package. */
export function brokenLinks(packageDir: string): string[] {
  const broken: string[] = [];
  for (const file of filesBelow(packageDir, [".md"])) {
    const text = fs
      .readFileSync(path.join(packageDir, file), "utf8")
      .replace(/```[\s\S]*?```/g, "");
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
      const resolved = path.resolve(
        path.dirname(path.join(packageDir, file)),
        target.split("#")[0],
      );
      if (!resolved.startsWith(packageDir + path.sep) || !fs.existsSync(resolved)) {
        broken.push(`${file}: ${target}`);
      }
    }
  }
  return broken;
}

interface ImportUse {
  readonly file: string;
  readonly names: readonly string[];
  readonly specifier: string;
}

/** Imports in the ```ts blocks of the package's Markdown files. */
export function documentedImports(packageDir: string): ImportUse[] {
  const uses: ImportUse[] = [];
  for (const file of filesBelow(packageDir, [".md"])) {
    if (file.startsWith(`docs${path.sep}api${path.sep}`)) continue; // generated from the code
    const text = fs.readFileSync(path.join(packageDir, file), "utf8");
    for (const [, block] of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      for (const [, clause, specifier] of block.matchAll(
        /import\s+(?:type\s+)?([\s\S]*?)\s+from\s+"([^"]+)"/g,
      )) {
        const named = /\{([\s\S]*)\}/.exec(clause)?.[1] ?? "";
        const names = named
          .split(",")
          .map(
            (n) =>
              n
                .trim()
                .replace(/^type\s+/, "")
                .split(/\s+as\s+/)[0],
          )
          .filter(Boolean);
        uses.push({ file, names, specifier });
      }
    }
  }
  return uses;
}

/** Names the package's entry points export, as values or as types. */
function exportedNames(packageDir: string): Set<string> {
  const names = new Set<string>();
  for (const file of filesBelow(path.join(packageDir, "lib"), [".d.ts"])) {
    const text = fs.readFileSync(path.join(packageDir, "lib", file), "utf8");
    for (const [, name] of text.matchAll(
      /export\s+(?:declare\s+)?(?:abstract\s+)?(?:class|interface|type|function|const|enum)\s+(\w+)/g,
    )) {
      names.add(name);
    }
  }
  return names;
}

/** `file: problem` for each documented import that does not resolve in the package. */
export function badImports(packageDir: string, packageName: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    exports: Record<string, unknown>;
  };
  const entryPoints = Object.keys(manifest.exports)
    .filter((p) => !p.endsWith(".json"))
    .map((p) => (p === "." ? packageName : `${packageName}/${p.slice(2)}`));
  const others = [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ];
  const exported = exportedNames(packageDir);
  const problems: string[] = [];
  for (const use of documentedImports(packageDir)) {
    const base = use.specifier.startsWith("@")
      ? use.specifier.split("/").slice(0, 2).join("/")
      : use.specifier.split("/")[0];
    if (entryPoints.includes(use.specifier)) {
      for (const name of use.names.filter((n) => !exported.has(n))) {
        problems.push(`${use.file}: ${name} is not exported by ${use.specifier}`);
      }
    } else if (
      !others.includes(base) &&
      !builtinModules.includes(use.specifier.replace(/^node:/, ""))
    ) {
      problems.push(`${use.file}: "${use.specifier}" is neither the package nor one it depends on`);
    }
  }
  return problems;
}
