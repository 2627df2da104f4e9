/**
 * Structural differences between two plain JSON trees (Helm values, Kubernetes objects), by key
 * path: `installation.calicoNetwork.ipPools[default-ipv4-ippool].encapsulation`. Lists of objects
 * that each carry a unique `name` (or `key`) are compared by it, so reordering or inserting an
 * entry does not show as every later entry changing.
 */
import { isRecord } from "../../lib/is-record";

export interface TreeChange {
  /** Segments of the path: map keys, `[name]` identities and list indexes. */
  readonly path: readonly TreeSegment[];
  readonly before: unknown;
  readonly after: unknown;
}

export type TreeSegment =
  | { readonly key: string }
  | { readonly id: string }
  | { readonly index: number };

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `a.b[name].c[0]["metallb.io/address-pool"]`. */
export function formatTreePath(path: readonly TreeSegment[]): string {
  return path
    .map((segment, i) => {
      if ("index" in segment) return `[${segment.index}]`;
      if ("id" in segment) return `[${segment.id}]`;
      if (!SIMPLE_KEY.test(segment.key)) return `[${JSON.stringify(segment.key)}]`;
      return i === 0 ? segment.key : `.${segment.key}`;
    })
    .join("");
}

/** Fields that name an entry of a list of objects (`ipPools[].name`, `requirements[].key`). */
const IDENTITY_FIELDS = ["name", "key"] as const;

/** The field naming every entry of both lists uniquely, if there is one. */
function identityField(before: unknown[], after: unknown[]): string | undefined {
  return IDENTITY_FIELDS.find((field) =>
    [before, after].every((list) => {
      const ids = list.map((entry) => (isRecord(entry) ? entry[field] : undefined));
      return ids.every((id) => typeof id === "string") && new Set(ids).size === ids.length;
    }),
  );
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Deepest paths under which `before` and `after` differ; an added or removed entry is one change. */
export function diffTrees(before: unknown, after: unknown): TreeChange[] {
  const found: TreeChange[] = [];
  const visit = (b: unknown, a: unknown, path: readonly TreeSegment[]): void => {
    if (isDeepEqual(b, a)) return;
    if (isRecord(b) && isRecord(a)) {
      for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
        visit(b[key], a[key], [...path, { key }]);
      }
      return;
    }
    if (Array.isArray(b) && Array.isArray(a)) {
      const field = identityField(b, a);
      if (field) {
        const byId = (list: unknown[]) =>
          new Map(list.map((entry) => [String((entry as Record<string, unknown>)[field]), entry]));
        const [was, is] = [byId(b), byId(a)];
        for (const id of new Set([...was.keys(), ...is.keys()])) {
          visit(was.get(id), is.get(id), [...path, { id }]);
        }
        return;
      }
      if (b.length === a.length && b.some((entry) => isRecord(entry) || Array.isArray(entry))) {
        b.forEach((entry, index) => visit(entry, a[index], [...path, { index }]));
        return;
      }
    }
    found.push({ path, before: b, after: a });
  };
  visit(before, after, []);
  return found;
}

/** The value at `path`, or undefined. */
export function valueAtPath(tree: unknown, path: readonly TreeSegment[]): unknown {
  let current: unknown = tree;
  for (const segment of path) {
    if ("key" in segment) current = isRecord(current) ? current[segment.key] : undefined;
    else if ("index" in segment)
      current = Array.isArray(current) ? current[segment.index] : undefined;
    else
      current = Array.isArray(current)
        ? current.find((e) => isRecord(e) && IDENTITY_FIELDS.some((f) => e[f] === segment.id))
        : undefined;
  }
  return current;
}
