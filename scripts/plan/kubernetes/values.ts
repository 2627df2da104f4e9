/**
 * A `helm_release`'s values as Helm sees them: every document of its `values` list parsed (YAML,
 * JSON included) and merged in order, later documents over earlier ones, maps key by key, as
 * `helm install -f a.yaml -f b.yaml` does.
 */
import { parse } from "yaml";
import { isRecord } from "../../lib/is-record";

/** `override` over `base`: maps merge, anything else replaces; `null` removes a key, as in Helm. */
export function mergeValues(
  base: Readonly<Record<string, unknown>>,
  override: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isRecord(value) && isRecord(merged[key]))
      merged[key] = mergeValues(merged[key] as Record<string, unknown>, value);
    else merged[key] = value;
  }
  return merged;
}

/** The merged values, or undefined when a document is not a YAML map (or not a string). */
export function parseValues(documents: unknown): Record<string, unknown> | undefined {
  if (documents === null || documents === undefined) return {};
  if (!Array.isArray(documents)) return undefined;
  let merged: Record<string, unknown> = {};
  for (const document of documents) {
    if (typeof document !== "string") return undefined;
    let parsed: unknown;
    try {
      parsed = parse(document);
    } catch {
      return undefined;
    }
    if (parsed === null || parsed === undefined) continue;
    if (!isRecord(parsed)) return undefined;
    merged = mergeValues(merged, parsed);
  }
  return merged;
}
