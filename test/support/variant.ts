/** Deep-merges `patch` into a copy of `base`; arrays and `undefined` replace. */
export function variant<T>(base: T, patch: Record<string, unknown>): unknown {
  const merge = (a: unknown, b: unknown): unknown => {
    if (b === undefined || Array.isArray(b) || typeof b !== "object" || b === null) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = v === undefined ? undefined : merge(out[k], v);
    return out;
  };
  return merge(structuredClone(base), patch);
}
