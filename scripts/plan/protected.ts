/**
 * Which resources must never be replaced or destroyed by accident: those with
 * `lifecycle.prevent_destroy`, and by class, whatever their configuration says, the resources
 * whose loss cannot be undone (state buckets, KMS keys, EKS clusters).
 */
import type { ResourceChangeJson } from "./plan-json";

/** Classes protected by type: losing one loses data or everything running on it. */
const PROTECTED_TYPES: Readonly<Record<string, string>> = {
  aws_kms_key: "KMS key",
  aws_eks_cluster: "EKS cluster",
};

export const PREVENT_DESTROY = "prevent_destroy";
export const STATE_BUCKET = "state bucket";

export interface ProtectionContext {
  /** Configured addresses (`aws_kms_key.key`) with `prevent_destroy`. */
  readonly preventDestroy: readonly string[];
  /** Buckets the app's S3 backends keep state in. */
  readonly stateBuckets: readonly string[];
}

/** Resource address without instance keys (`aws_subnet.a[0]` → `aws_subnet.a`), as configured. */
export function configAddress(
  change: Pick<ResourceChangeJson, "type" | "name" | "module_address">,
) {
  const base = `${change.type}.${change.name}`;
  return change.module_address ? `${change.module_address}.${base}` : base;
}

/** Why the resource is protected (`prevent_destroy`, `KMS key`, ...); empty when it is not. */
export function protectionReasons(
  change: ResourceChangeJson,
  context: ProtectionContext,
): string[] {
  const reasons: string[] = [];
  if (context.preventDestroy.includes(configAddress(change))) reasons.push(PREVENT_DESTROY);
  const byType = PROTECTED_TYPES[change.type];
  if (byType) reasons.push(byType);
  const bucket = (change.change.before as { bucket?: unknown } | null | undefined)?.bucket;
  if (
    change.type === "aws_s3_bucket" &&
    typeof bucket === "string" &&
    context.stateBuckets.includes(bucket)
  ) {
    reasons.push(STATE_BUCKET);
  }
  return reasons;
}

/**
 * Addresses Terraform refused to plan because the plan would destroy a `prevent_destroy` resource
 * ("Resource aws_kms_key.key has lifecycle.prevent_destroy set, but the plan calls for this
 * resource to be destroyed").
 */
export function refusedProtectedAddresses(stderr: string): string[] {
  const found = [...stderr.matchAll(/Resource (\S+) has lifecycle\.prevent_destroy set/g)].map(
    (m) => m[1],
  );
  return [...new Set(found)];
}
