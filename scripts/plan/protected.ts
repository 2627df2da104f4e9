/** Which resources a stack protects with `lifecycle.prevent_destroy`, read from its synthesized JSON. */

interface TerraformJson {
  readonly resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: unknown } }>>;
}

/** Addresses (`aws_s3_bucket.state-bucket`) of resources with `prevent_destroy = true`. */
export function protectedAddresses(config: unknown): string[] {
  const resources = (config as TerraformJson).resource ?? {};
  return Object.entries(resources).flatMap(([type, byName]) =>
    Object.entries(byName)
      .filter(([, body]) => body.lifecycle?.prevent_destroy === true)
      .map(([name]) => `${type}.${name}`),
  );
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
