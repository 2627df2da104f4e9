/** Helpers shared by the constructs that install charts into a cluster. */

/** Every `Platform`. */
export const PLATFORMS = ["eks", "onprem"] as const;
/** Where the cluster runs: EKS in a VPC, or on-prem machines reached by kubeconfig. */
export type Platform = (typeof PLATFORMS)[number];

/** Helm chart values: a JSON object passed to `helm_release.values`. */
export type HelmValues = Record<string, unknown>;

/** A DNS-1123 label of any length (`isDnsLabel` adds the 63-character limit). */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Whether `name` is a DNS-1123 label, the format of most Kubernetes object names. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL.test(name);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges `override` into a copy of `base`, the way Helm merges values files: objects merge
 * key by key, anything else (arrays, scalars, null) replaces. A null reaches Helm as null, which
 * removes that key from the chart's defaults.
 */
export function mergeValues<T extends object>(base: T, override?: Readonly<HelmValues>): T {
  if (override === undefined) return base;
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(current) && isPlainObject(value) ? mergeValues(current, value) : value;
  }
  return merged as T;
}
