import { Token } from "cdktf";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Throws unless `value` is a Kubernetes DNS-1123 label (namespaces, service accounts, and the
 * Karpenter object names here), which the API server would otherwise reject only at apply.
 * `where` names the prop, e.g. `KarpenterControllerProps.namespace`.
 */
export function assertDnsLabel(where: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new Error(
      `${where} must be a Kubernetes name: at most 63 lowercase letters, digits and hyphens, ` +
        `starting and ending with a letter or digit; got "${value}"`,
    );
  }
}
