/**
 * Attribute-level before → after values of one resource change, safe to show: sensitive values are
 * masked and values known only after apply are named as such.
 */
import type { ResourceChangeJson, ValueMask } from "./plan-json";
import { isRecord } from "../lib/is-record";

export const SENSITIVE = "(sensitive)";
export const KNOWN_AFTER_APPLY = "(known after apply)";

export interface AttributeChange {
  /** `cidr_block`, `vpc_config[0].subnet_ids`, `tags.Name`. */
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

type Path = readonly (string | number)[];

/** Longest value shown inline; longer ones (policies, certificates) are cut with their length. */
const MAX_VALUE_LENGTH = 80;

export function formatPath(path: Path): string {
  return path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join("");
}

function childOf(value: unknown, key: string | number): unknown {
  if (value === null || typeof value !== "object") return undefined;
  return (value as Record<string | number, unknown>)[key];
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(childOf, value);
}

/** Whether the mask marks `path` or any value above it. */
function marked(mask: ValueMask | undefined, path: Path): boolean {
  let current: unknown = mask;
  for (const part of path) {
    if (current === true) return true;
    current = childOf(current, part);
  }
  return current === true;
}

export function formatValue(value: unknown): string {
  // Multi-line strings (scripts, heredocs) stay on one line, escaped, so a list item stays whole.
  const plain = typeof value === "string" && !value.includes("\n");
  const text = plain ? value : JSON.stringify(value ?? null);
  return text.length > MAX_VALUE_LENGTH
    ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}… (${text.length} chars)`
    : text;
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** One attribute's values, masked: sensitive values are never shown, unknown ones are named. */
export function describe(change: ResourceChangeJson["change"], path: Path): AttributeChange {
  const unknown = marked(change.after_unknown, path);
  return {
    path: formatPath(path),
    before: marked(change.before_sensitive, path)
      ? SENSITIVE
      : formatValue(valueAt(change.before, path)),
    after: unknown
      ? KNOWN_AFTER_APPLY
      : marked(change.after_sensitive, path)
        ? SENSITIVE
        : formatValue(valueAt(change.after, path)),
  };
}

/** Values that are only "known after apply" say less than real changes: they go last. */
const knownFirst = (attributes: readonly AttributeChange[]): AttributeChange[] => [
  ...attributes.filter((a) => a.after !== KNOWN_AFTER_APPLY),
  ...attributes.filter((a) => a.after === KNOWN_AFTER_APPLY),
];

/** Changed leaves under `start` (the whole resource when empty), each with its safe values. */
export function changedAttributes(
  change: ResourceChangeJson["change"],
  start: Path = [],
): AttributeChange[] {
  const found: AttributeChange[] = [];
  const visit = (path: Path): void => {
    const before = valueAt(change.before, path);
    const after = valueAt(change.after, path);
    if (marked(change.after_unknown, path)) {
      found.push(describe(change, path));
      return;
    }
    if (isDeepEqual(before, after)) return;
    // A sensitive value is one leaf: walking into it could show which parts changed.
    const sensitive = marked(change.before_sensitive, path) || marked(change.after_sensitive, path);
    if (!sensitive && isRecord(before) && isRecord(after)) {
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        visit([...path, key]);
      }
      return;
    }
    // Blocks (lists of objects) of the same length are compared element by element; lists of
    // values, and lists whose length changed, are shown whole.
    if (
      !sensitive &&
      Array.isArray(before) &&
      Array.isArray(after) &&
      before.length === after.length &&
      before.some(isRecord)
    ) {
      before.forEach((_, i) => visit([...path, i]));
      return;
    }
    found.push(describe(change, path));
  };
  visit(start);
  return knownFirst(found);
}

/** The attributes forcing a replacement, with their values (a container path lists its changed leaves). */
export function forcingAttributes(change: ResourceChangeJson["change"]): AttributeChange[] {
  const byPath = new Map<string, AttributeChange>();
  for (const path of change.replace_paths ?? []) {
    const changed = changedAttributes(change, path);
    for (const attribute of changed.length > 0 ? changed : [describe(change, path)]) {
      byPath.set(attribute.path, attribute);
    }
  }
  return knownFirst([...byPath.values()]);
}
