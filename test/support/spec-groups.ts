/**
 * Suites that take less than about 8 seconds (`*.spec.ts`) are loaded in a few groups, one jest
 * test file each (`test/<group>.test.ts`), instead of one test file each. jest gives every test
 * file a module registry of its own, so each file loaded cdktf, the provider bindings, zod, yaml,
 * the library and jest's test framework again: 64 of them took 58 CPU seconds run one after the
 * other in one process, and the same files loaded by one test file 31 (docs/benchmark.md, "Fourth
 * round"). Longer suites (Terraform plans with the aws provider, npm installs, typedoc, Helm
 * renders of every platform chart, network namespaces) stay `*.test.ts`, one test file each, so
 * that jest's two workers can balance them; so do suites that keep snapshots, which jest stores
 * per test file.
 *
 * A group is a list of folders below test/; every `*.spec.ts` there belongs to it, each inside a
 * `describe` named by its path, so its hooks stay its own and `-t <path>` picks one. To run one
 * spec on its own: `npx jest --testMatch '**\/test/calico/calico.spec.ts'`.
 */
import * as fs from "fs";
import * as path from "path";

/** test/, which every spec path is relative to. */
export const TEST_ROOT = path.resolve(__dirname, "..");

/** The folders below test/ of each group. */
export const SPEC_GROUPS = {
  constructs: [
    "backend",
    "calico",
    "eks",
    "ingress",
    "karpenter",
    "kms",
    "metallb",
    "network",
    "policy",
    "shared",
    "versions",
  ],
  stacks: ["access", "bring-up", "docs", "environment", "stacks"],
  plan: ["plan", "terraform", "workflows"],
  // Every Helm render: one module registry shares the compiled schema validators.
  charts: ["charts"],
  tools: ["doctor", "netbench", "scripts", "support"],
} as const;

export type SpecGroup = keyof typeof SPEC_GROUPS;

/** Every `*.spec.ts` below `dir`, relative to test/, sorted. */
export function specsBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".spec.ts"))
    .map((entry) => path.relative(TEST_ROOT, path.join(entry.parentPath, entry.name)))
    .sort();
}

/** The specs of `group`, relative to test/. */
export function specsOf(group: SpecGroup): string[] {
  return SPEC_GROUPS[group].flatMap((folder) => specsBelow(path.join(TEST_ROOT, folder)));
}

/** Loads every spec of `group`, each in a `describe` named by its path below test/. */
export function loadSpecs(group: SpecGroup): void {
  for (const spec of specsOf(group)) {
    describe(spec, () => {
      // A spec registers its tests as it loads; jest's require keeps its transform and registry.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(TEST_ROOT, spec));
    });
  }
}
