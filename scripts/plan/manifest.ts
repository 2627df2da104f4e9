/**
 * Reading cdktf's synth output (`<outdir>/manifest.json`) and ordering its stacks so that every
 * stack comes after the stacks whose outputs it reads.
 */
import * as fs from "fs";
import * as path from "path";
import { displayLine, displayName, displayValue } from "../../constructs/shared/validation/display";
import { readBoundedFile } from "../lib/bounded-file";
import { isRecord } from "../lib/is-record";

export interface ManifestStack {
  readonly name: string;
  /** Absolute directory Terraform runs in. */
  readonly workingDirectory: string;
  /** Absolute path of the stack's `cdk.tf.json`. */
  readonly synthesizedStackPath: string;
  /** Stacks whose outputs this stack reads (cross-stack references). */
  readonly dependencies: readonly string[];
  /** Synth-time findings (policy pack warnings, suppressions), as `cdktf synth` prints them. */
  readonly annotations: readonly Annotation[];
}

export interface Annotation {
  readonly constructPath: string;
  /** `@cdktf/info`, `@cdktf/warn`, `@cdktf/error`. */
  readonly level: string;
  readonly message: string;
}

/**
 * A stack name the tools accept: what cdktf stack IDs of this app look like, and nothing that
 * Markdown, HTML, a terminal or a workflow command would read as more than text.
 */
export const STACK_NAME = /^[A-Za-z0-9][\w.-]*$/;

/** The most of a manifest read: one entry per stack, kilobytes each. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/** `relative` resolved in `outdir`, which it must not leave (`..`, an absolute path). */
function inside(outdir: string, relative: string, at: string): string {
  const resolved = path.resolve(outdir, relative);
  const root = path.resolve(outdir);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new Error(`${at} ${displayValue(relative)} is outside the synth output`);
  }
  return resolved;
}

/** The stacks of a synth output, in manifest order. */
export function readManifest(outdir: string): ManifestStack[] {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(file)) {
    throw new Error(`${file} does not exist: synthesize first (npm run synth)`);
  }
  const text = readBoundedFile(file, MAX_MANIFEST_BYTES, "manifest");
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`not JSON (${(error as Error).message})`);
    }
    const stacks = isRecord(raw) ? (raw.stacks ?? {}) : undefined;
    if (!isRecord(stacks)) throw new Error("no stacks object");
    return Object.entries(stacks).map(([key, s]) => {
      const at = `stacks[${displayValue(key)}]`;
      if (!isRecord(s)) throw new Error(`${at} is not an object`);
      for (const field of ["name", "workingDirectory", "synthesizedStackPath"]) {
        if (typeof s[field] !== "string") throw new Error(`${at}.${field} is not a string`);
      }
      if (!STACK_NAME.test(s.name as string)) {
        throw new Error(
          `${at}.name ${displayValue(s.name)} is not a stack name (letters, digits, ".", "_", "-")`,
        );
      }
      if (s.dependencies !== undefined && !isStringList(s.dependencies)) {
        throw new Error(`${at}.dependencies is not a list of stack names`);
      }
      if (s.annotations !== undefined && !Array.isArray(s.annotations)) {
        throw new Error(`${at}.annotations is not a list`);
      }
      return {
        name: s.name as string,
        workingDirectory: inside(outdir, s.workingDirectory as string, `${at}.workingDirectory`),
        synthesizedStackPath: inside(
          outdir,
          s.synthesizedStackPath as string,
          `${at}.synthesizedStackPath`,
        ),
        dependencies: s.dependencies ?? [],
        annotations: (s.annotations ?? []) as Annotation[],
      };
    });
  } catch (error) {
    throw new Error(
      `${displayName(file)}: ${displayLine((error as Error).message, 300)}; synthesize again (npm run synth)`,
    );
  }
}

/**
 * Topological order, dependencies first; stacks that do not depend on each other keep their
 * manifest order. Throws on a dependency cycle or a dependency missing from the manifest.
 */
export function orderStacks<T extends Pick<ManifestStack, "name" | "dependencies">>(
  stacks: readonly T[],
): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const ordered: T[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (stack: T, trail: readonly string[]): void => {
    const seen = state.get(stack.name);
    if (seen === "done") return;
    if (seen === "visiting") {
      throw new Error(`stack dependency cycle: ${[...trail, stack.name].join(" -> ")}`);
    }
    state.set(stack.name, "visiting");
    for (const dependency of stack.dependencies) {
      const target = byName.get(dependency);
      if (!target)
        throw new Error(
          `stack ${stack.name} depends on ${dependency}, which is not in the manifest`,
        );
      visit(target, [...trail, stack.name]);
    }
    state.set(stack.name, "done");
    ordered.push(stack);
  };
  for (const stack of stacks) visit(stack, []);
  return ordered;
}

/** `WARN [dev-infra/backend]: ...`, the way the cdktf CLI prints an annotation. */
export function annotationLine(annotation: Annotation): string {
  const level = annotation.level.replace(/^@cdktf\//, "").toUpperCase();
  return `${level} [${annotation.constructPath}]: ${annotation.message}`;
}

/** The named stacks (all when `names` is empty), keeping the given order. */
export function selectStacks<T extends Pick<ManifestStack, "name">>(
  ordered: readonly T[],
  names: readonly string[],
): T[] {
  if (names.length === 0) return [...ordered];
  const known = new Set(ordered.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).map((n) => displayName(n, 80));
    throw new Error(
      `unknown stack(s) ${shown.join(", ")}; the app has ${[...known].join(", ") || "no stacks"}`,
    );
  }
  return ordered.filter((s) => names.includes(s.name));
}

/** Where a stack of an environment deploys within it: bootstrap, then infra, then platform. */
const STACK_KINDS = ["bootstrap", "infra", "platform"] as const;

/**
 * The stacks in promotion order: by environment (`environments`, in promotion order), within one
 * by kind, stacks of no listed environment last in their given order; then dependencies first.
 * cdktf writes the manifest's stacks sorted by name, which is not an order anything deploys in.
 */
export function promotionOrder<T extends Pick<ManifestStack, "name" | "dependencies">>(
  stacks: readonly T[],
  environments: readonly string[],
): T[] {
  const rank = (stack: T): [number, number] => {
    for (const [e, environment] of environments.entries()) {
      const kind = STACK_KINDS.findIndex((k) => stack.name === `${environment}-${k}`);
      if (kind >= 0) return [e, kind];
    }
    return [environments.length, 0];
  };
  const ranked = stacks.map((stack, index) => ({ stack, index, rank: rank(stack) }));
  ranked.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.index - b.index);
  return orderStacks(ranked.map((r) => r.stack));
}
