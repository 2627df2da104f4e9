/**
 * An offline model of how EKS authorizes a request from an IAM principal, read from the
 * synthesized stacks: the principal's access entry (its access policies, cluster-scoped, and its
 * Kubernetes groups) and the RBAC Roles and RoleBindings the stacks create for those groups.
 * Kubernetes RBAC only allows; a request is allowed when any rule of any source matches it.
 */
import { Resolver, type SynthesizedStacks } from "./synthesized";

export interface Rule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ["get", "list", "watch"];

/**
 * The access policies the stacks associate, as the EKS user guide's access policy reference lists
 * them (AmazonEKSClusterAdminPolicy: every verb on everything; AmazonEKSViewPolicy: read of most
 * resources, no Secrets and no RBAC objects).
 */
export const ACCESS_POLICIES: Record<string, readonly Rule[]> = {
  AmazonEKSClusterAdminPolicy: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  AmazonEKSViewPolicy: [
    {
      apiGroups: ["apps"],
      resources: [
        "controllerrevisions",
        "daemonsets",
        "daemonsets/status",
        "deployments",
        "deployments/scale",
        "deployments/status",
        "replicasets",
        "replicasets/scale",
        "replicasets/status",
        "statefulsets",
        "statefulsets/scale",
        "statefulsets/status",
      ],
      verbs: READ,
    },
    {
      apiGroups: ["autoscaling"],
      resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
      verbs: READ,
    },
    {
      apiGroups: ["batch"],
      resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"],
      verbs: READ,
    },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
    {
      apiGroups: ["networking.k8s.io"],
      resources: ["ingresses", "ingresses/status", "networkpolicies"],
      verbs: READ,
    },
    {
      apiGroups: ["policy"],
      resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"],
      verbs: READ,
    },
    {
      apiGroups: [""],
      resources: [
        "configmaps",
        "endpoints",
        "persistentvolumeclaims",
        "persistentvolumeclaims/status",
        "pods",
        "replicationcontrollers",
        "replicationcontrollers/scale",
        "serviceaccounts",
        "services",
        "services/status",
        "bindings",
        "events",
        "limitranges",
        "namespaces/status",
        "pods/log",
        "pods/status",
        "replicationcontrollers/status",
        "resourcequotas",
        "resourcequotas/status",
        "namespaces",
      ],
      verbs: READ,
    },
  ],
};

/** One request to the Kubernetes API. */
export interface KubernetesRequest {
  readonly verb: string;
  /** API group: "" for the core group. */
  readonly apiGroup: string;
  readonly resource: string;
  /** Namespace of a namespaced object; undefined for cluster-scoped ones. */
  readonly namespace?: string;
}

const matches = (list: readonly string[], value: string) =>
  list.includes("*") || list.includes(value);

const allows = (rule: Rule, request: KubernetesRequest) =>
  matches(rule.apiGroups, request.apiGroup) &&
  matches(rule.resources, request.resource) &&
  matches(rule.verbs, request.verb);

type Attributes = Record<string, unknown>;
const first = <T>(value: T | T[]): T => (Array.isArray(value) ? value[0] : value);

/** What one environment's stacks grant principals inside its cluster. */
export class ClusterAuthorization {
  private readonly entries = new Map<string, { policies: string[]; groups: string[] }>();
  private readonly bindings: { namespace: string; groups: string[]; rules: Rule[] }[] = [];

  constructor(environment: string, stacks: SynthesizedStacks) {
    const infra = `${environment}-infra`;
    const platform = `${environment}-platform`;
    const resolver = new Resolver(stacks, infra);
    const resources = (stack: string, type: string) =>
      Object.entries(stacks.get(stack)?.resource?.[type] ?? {});

    for (const [id, entry] of resources(infra, "aws_eks_access_entry")) {
      if (entry.type !== "STANDARD") continue;
      const principal = String(entry.principal_arn);
      const policies = resources(infra, "aws_eks_access_policy_association")
        .filter(([, a]) => a.principal_arn === `\${aws_eks_access_entry.${id}.principal_arn}`)
        .map(([, a]) => {
          const scope = first(a.access_scope as Attributes | Attributes[]);
          if (scope?.type !== "cluster") {
            throw new Error(`${id}: only cluster-scoped access policies are modelled`);
          }
          return String(resolver.resolve(a.policy_arn)).split("/").pop() ?? "";
        });
      for (const policy of policies) {
        if (!ACCESS_POLICIES[policy]) throw new Error(`${policy} is not modelled`);
      }
      this.entries.set(principal, {
        policies,
        groups: (entry.kubernetes_groups as string[] | undefined) ?? [],
      });
    }

    const roles = new Map(resources(platform, "kubernetes_role_v1"));
    for (const [, binding] of resources(platform, "kubernetes_role_binding_v1")) {
      const metadata = first(binding.metadata as Attributes | Attributes[]);
      const ref = first(binding.role_ref as Attributes | Attributes[]);
      const roleId = /^\$\{kubernetes_role_v1\.([^.]+)\./.exec(String(ref.name))?.[1];
      const role = roleId ? roles.get(roleId) : undefined;
      if (ref.kind !== "Role" || !role) {
        throw new Error(
          `binding to ${String(ref.name)}: only Roles of the same stack are modelled`,
        );
      }
      this.bindings.push({
        namespace: String(metadata.namespace),
        groups: (binding.subject as Attributes[])
          .filter((s) => s.kind === "Group")
          .map((s) => String(s.name)),
        rules: (role.rule as Attributes[]).map((r) => ({
          apiGroups: r.api_groups as string[],
          resources: r.resources as string[],
          verbs: r.verbs as string[],
        })),
      });
    }
  }

  /** Principals with an access entry. */
  principals(): string[] {
    return [...this.entries.keys()];
  }

  /** Whether `principal` may make `request`. */
  allows(principal: string, request: KubernetesRequest): boolean {
    const entry = this.entries.get(principal);
    if (!entry) return false;
    const fromPolicies = entry.policies.some((policy) =>
      ACCESS_POLICIES[policy].some((rule) => allows(rule, request)),
    );
    const fromRbac = this.bindings.some(
      (binding) =>
        binding.namespace === request.namespace &&
        binding.groups.some((group) => entry.groups.includes(group)) &&
        binding.rules.some((rule) => allows(rule, request)),
    );
    return fromPolicies || fromRbac;
  }
}
