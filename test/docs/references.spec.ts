/**
 * The documentation stands alone: every Markdown link in the README, the changelog and docs/
 * points to a file of the repository (and, with an anchor, to a heading in it), and every
 * Markdown file that source, tests, scripts or workflows mention by path exists.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");
const SKIPPED_DIRS = new Set(["node_modules", "lib", "cdktf.out", ".git", "coverage"]);

function walk(dir: string, keep: (file: string) => boolean): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : walk(full, keep);
    return keep(full) ? [full] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Relative link targets of a Markdown file, outside code blocks and code spans. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((target) => !/^[a-z]+:/i.test(target));
}

/** The problem with one link from `file`, or undefined when it resolves. */
export function brokenLink(file: string, target: string): string | undefined {
  const [pathPart, anchor] = target.split("#");
  const resolved = pathPart ? path.resolve(path.dirname(file), pathPart) : file;
  if (!fs.existsSync(resolved)) return `${target}: no such file`;
  if (anchor && resolved.endsWith(".md")) {
    if (!headingAnchors(fs.readFileSync(resolved, "utf8")).has(anchor)) {
      return `${target}: no heading with that anchor in ${path.relative(ROOT, resolved)}`;
    }
  }
  return undefined;
}

const API_REFERENCE = path.join(ROOT, "docs", "api");
const MARKDOWN = [
  path.join(ROOT, "README.md"),
  path.join(ROOT, "CHANGELOG.md"),
  ...walk(path.join(ROOT, "docs"), (f) => f.endsWith(".md") && !f.startsWith(API_REFERENCE)),
  ...walk(path.join(ROOT, "examples"), (f) => f.endsWith(".md")),
];

function problemsIn(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    relativeLinks(fs.readFileSync(file, "utf8"))
      .map((target) => brokenLink(file, target))
      .filter((problem): problem is string => problem !== undefined)
      .map((problem) => `${path.relative(ROOT, file)}: ${problem}`),
  );
}

describe("documentation references", () => {
  it("finds the guides the README promises", () => {
    // The scan below must see what it checks.
    for (const guide of [
      "design.md",
      "consuming.md",
      "plans-and-deploys.md",
      "troubleshooting.md",
    ]) {
      expect(MARKDOWN).toContain(path.join(ROOT, "docs", guide));
    }
  });

  it.each(MARKDOWN.map((file) => [path.relative(ROOT, file), file]))(
    "every link in %s resolves",
    (_name, file) => {
      expect(problemsIn([file])).toEqual([]);
    },
  );

  it("every link in the generated API reference resolves", () => {
    const pages = walk(API_REFERENCE, (f) => f.endsWith(".md"));
    expect(pages.length).toBeGreaterThan(10);
    expect(problemsIn(pages)).toEqual([]);
  });

  it("every repository document mentioned in source, tests, scripts and workflows exists", () => {
    const sources = ["constructs", "stacks", "scripts", "test", "examples", ".github"].flatMap(
      (dir) => walk(path.join(ROOT, dir), (f) => /\.(ts|cjs|mjs|js|sh|ya?ml|json)$/.test(f)),
    );
    sources.push(path.join(ROOT, "main.ts"), path.join(ROOT, "typedoc.json"));
    const missing: string[] = [];
    for (const file of sources) {
      if (file === __filename) continue;
      const text = fs.readFileSync(file, "utf8");
      // Repository documents: a path under docs/, or an upper-case name such as README.md.
      // (Lower-case names elsewhere are generated outputs, such as summary.md.)
      for (const match of text.matchAll(/(?<![\w/.-])(docs\/[\w./-]+\.md|[A-Z][A-Z_-]*\.md)\b/g)) {
        const mentioned = match[1];
        if (!fs.existsSync(path.join(ROOT, mentioned))) {
          missing.push(`${path.relative(ROOT, file)}: ${mentioned}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("reports a link to a missing file or heading", () => {
    const readme = path.join(ROOT, "README.md");
    expect(brokenLink(readme, "docs/missing.md")).toMatch(/no such file/);
    expect(brokenLink(readme, "docs/design.md#no-such-heading")).toMatch(/no heading/);
    expect(brokenLink(readme, "docs/design.md")).toBeUndefined();
  });

  it("computes GitHub's anchors", () => {
    expect([
      ...headingAnchors("## `Calico` (`constructs/calico`)\n## First deploy, in order\n## A\n## A"),
    ]).toEqual(["calico-constructscalico", "first-deploy-in-order", "a", "a-1"]);
  });
});
