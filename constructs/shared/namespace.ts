import { Fn, ITerraformDependable, TerraformProvider, TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { DataKubernetesAllNamespaces } from "@cdktf/provider-kubernetes/lib/data-kubernetes-all-namespaces";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ConditionalImport } from "./conditional-import";
import { RESERVED_NAMESPACES } from "./validation/fields";

/**
 * The namespaces the platform constructs install into, created by Terraform (never by Helm's
 * `create_namespace`, which makes them unlabelled) with Pod Security admission labels.
 */

/** Every `PodSecurityLevel`, strictest last. */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
/** A Pod Security Standards level, as the `pod-security.kubernetes.io/*` labels take it. */
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** How a component's namespace is hardened. */
export interface NamespaceSecurity {
  /**
   * Kubernetes version whose Pod Security Standards `enforce` applies (`v1.34`, or `latest`).
   * `audit` and `warn` always use `latest`, so what a newer version would refuse is logged and
   * shown to `kubectl` users before it is enforced. Pass the cluster's version.
   * @default "latest"
   */
  readonly podSecurityVersion?: string;
  /**
   * The Pod Security level of the namespace, when `valuesOverride` makes the component's pods need
   * more than the construct renders (host network, host paths, capabilities).
   * @default the strictest level the rendered pods pass (each construct says which and why)
   */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * Default-deny NetworkPolicies for the component, with the allows it needs (DNS, the API
   * server, what calls it, metrics). Only pods on the pod network are affected: pods on the host
   * network are not subject to NetworkPolicy. Needs a NetworkPolicy engine (Calico, in every
   * mode this toolkit installs).
   * @default false
   */
  readonly networkPolicies?: boolean;
  /**
   * Where the API server's endpoints are (the addresses behind the `kubernetes` Service), for the
   * egress allow on 443 and 6443: the VPC on EKS (control-plane ENIs), the control-plane nodes'
   * network on-prem.
   * @default ["0.0.0.0/0"]
   */
  readonly apiServerCidrs?: readonly string[];
}

export const POD_SECURITY_REASON_ANNOTATION = "platform.io/pod-security-reason";

/** The Pod Security admission labels of a namespace: one level for enforce, audit and warn. */
export function podSecurityLabels(
  level: PodSecurityLevel,
  enforceVersion: string,
): Record<string, string> {
  const prefix = "pod-security.kubernetes.io";
  return {
    [`${prefix}/enforce`]: level,
    [`${prefix}/enforce-version`]: enforceVersion,
    [`${prefix}/audit`]: level,
    [`${prefix}/audit-version`]: "latest",
    [`${prefix}/warn`]: level,
    [`${prefix}/warn-version`]: "latest",
  };
}

export interface PlatformNamespaceProps {
  readonly name: string;
  readonly level: PodSecurityLevel;
  /** Why the level is below restricted; required then, and written as an annotation. */
  readonly reason?: string;
  readonly podSecurityVersion: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A namespace with its Pod Security labels, created in `scope` under `id` (a function, not a
 * construct, so the resource keeps the address a construct's own `namespace` had). A namespace
 * that exists already is adopted instead of created (see adoptIfExisting below).
 */
export function platformNamespace(
  scope: Construct,
  id: string,
  props: PlatformNamespaceProps,
): NamespaceV1 {
  if (!Token.isUnresolved(props.name) && RESERVED_NAMESPACES.includes(props.name)) {
    throw new Error(
      `${scope.node.path}: namespace ${props.name} belongs to the cluster and must not be ` +
        "created or adopted by a stack (destroying the stack would delete it): install into a " +
        "namespace of its own",
    );
  }
  if (props.level !== "restricted" && !props.reason) {
    throw new Error(
      `${scope.node.path}: namespace ${props.name} at Pod Security level ${props.level} needs a ` +
        "reason: say which pods need more than restricted, and what for",
    );
  }
  const namespace = new NamespaceV1(scope, id, {
    dependsOn: props.dependsOn,
    metadata: {
      name: props.name,
      labels: podSecurityLabels(props.level, props.podSecurityVersion),
      ...(props.reason ? { annotations: { [POD_SECURITY_REASON_ANNOTATION]: props.reason } } : {}),
    },
  });
  adoptIfExisting(scope, `${id}-adopt`, namespace, props.name);
  return namespace;
}

/** The stack's (and provider's) list of the cluster's namespaces, read once per plan. */
const existingNamespaces = new WeakMap<
  TerraformStack,
  Map<TerraformProvider | undefined, DataKubernetesAllNamespaces>
>();

function clusterNamespaces(
  stack: TerraformStack,
  provider: TerraformProvider | undefined,
): DataKubernetesAllNamespaces {
  const byProvider = existingNamespaces.get(stack) ?? new Map();
  existingNamespaces.set(stack, byProvider);
  let data = byProvider.get(provider);
  if (!data) {
    const suffix = provider?.alias ? `-${provider.alias}` : "";
    data = new DataKubernetesAllNamespaces(stack, `existing-namespaces${suffix}`, { provider });
    byProvider.set(provider, data);
  }
  return data;
}

/**
 * Adopts the namespace when the cluster has it already and the state does not: an import block
 * whose condition reads the cluster's namespaces at plan time. Clusters deployed before the
 * stacks created their namespaces have them from Helm (`create_namespace`); without this the
 * apply fails on "namespaces ... already exists". Reading namespaces needs `list` on them, which
 * every identity that plans has (the plan role's AmazonEKSViewPolicy, see stacks/cluster-roles.ts).
 */
function adoptIfExisting(scope: Construct, id: string, namespace: NamespaceV1, name: string): void {
  const existing = clusterNamespaces(TerraformStack.of(scope), namespace.provider);
  new ConditionalImport(scope, id, {
    resource: namespace,
    id: name,
    exists: Fn.contains(existing.namespaces, name),
  });
}

/** A level and its reason, with `podSecurityLevel` applied over the construct's own. */
export function namespaceLevel(
  security: Pick<NamespaceSecurity, "podSecurityLevel">,
  level: PodSecurityLevel,
  reason?: string,
): { level: PodSecurityLevel; reason?: string } {
  if (security.podSecurityLevel === undefined || security.podSecurityLevel === level) {
    return { level, reason };
  }
  return {
    level: security.podSecurityLevel,
    reason: `set by namespaceSecurity.podSecurityLevel (the chart as rendered needs ${level})`,
  };
}
