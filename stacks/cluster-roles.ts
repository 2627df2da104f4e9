/**
 * What the pipeline's roles may do inside an EKS cluster. The deploy role is a cluster admin (it
 * installs everything); the plan role, which runs pull-request code, only reads: an access entry
 * with AmazonEKSViewPolicy (no Secrets) in PLAN_READERS_GROUP, and RBAC made by the platform stack
 * that lets that group read Secrets, Roles and RoleBindings in the namespaces the stack installs
 * Helm releases into. Helm keeps each release's record as a Secret there and finds it by label,
 * which RBAC cannot narrow to: a refresh of a `helm_release` needs `list` on Secrets.
 *
 * A plan also lists the cluster's namespaces (the `kubernetes_all_namespaces` data source that
 * decides whether a namespace is adopted, constructs/shared/namespace.ts). AmazonEKSViewPolicy
 * grants `get`, `list` and `watch` on namespaces, and the viewers' access entries scope it to the
 * whole cluster (constructs/eks/access-entries.ts), so nothing more is needed here.
 */
import { Release } from "@cdktf/provider-helm/lib/release";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { resolvePipeline } from "./environment/pipeline";
import type { EksEnvironment } from "./environment/schema";

/** The Kubernetes group of the plan role's access entry, bound by PlanReaders. */
export const PLAN_READERS_GROUP = "platform-plan-readers";

/** Name of the Role and RoleBinding PlanReaders makes in each release namespace. */
export const PLAN_READER_ROLE = "platform-plan-reader";

/**
 * The principals given access entries: cluster.admins, the deploy role and the role the providers
 * assume (every cluster token is requested as that role) as admins; the plan role as a viewer.
 */
export function clusterAccess(env: EksEnvironment): { admins: string[]; viewers: string[] } {
  const pipeline = resolvePipeline(env);
  const admins = [
    ...env.cluster.admins,
    ...[pipeline.deploy.roleArn, env.aws.assumeRoleArn].filter((arn): arn is string => !!arn),
  ];
  return {
    admins: [...new Set(admins)],
    viewers: pipeline.plan?.roleArn ? [pipeline.plan.roleArn] : [],
  };
}

/** Helm releases of a stack by the namespace they install into (Helm's default: `default`). */
export function releasesByNamespace(stack: TerraformStack): Map<string, Release[]> {
  const byNamespace = new Map<string, Release[]>();
  for (const node of stack.node.findAll()) {
    if (!(node instanceof Release)) continue;
    const namespace = node.namespaceInput ?? "default";
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), node]);
  }
  return byNamespace;
}

/**
 * A Role and RoleBinding per release namespace of `stack` for PLAN_READERS_GROUP. Created after
 * what creates the namespace, the stack's namespace resource or a release (and so destroyed
 * before it).
 */
export class PlanReaders extends Construct {
  constructor(scope: TerraformStack, id: string) {
    super(scope, id);
    const namespaceResources = scope.node
      .findAll()
      .filter((node): node is NamespaceV1 => node instanceof NamespaceV1);
    for (const [namespace, releases] of [...releasesByNamespace(scope)].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const creators = [
        ...namespaceResources.filter((ns) => ns.metadata.nameInput === namespace),
        ...releases.filter((r) => r.createNamespaceInput === true),
      ];
      const metadata = { name: PLAN_READER_ROLE, namespace };
      const role = new RoleV1(this, `${namespace}-role`, {
        metadata,
        rule: [
          // Helm's release records, which a plan reads to refresh each release.
          { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
          // This Role and its binding, which a plan refreshes too.
          {
            apiGroups: ["rbac.authorization.k8s.io"],
            resources: ["roles", "rolebindings"],
            verbs: ["get", "list", "watch"],
          },
        ],
        dependsOn: creators.length > 0 ? creators : undefined,
      });
      new RoleBindingV1(this, `${namespace}-binding`, {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subject: [
          { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: PLAN_READERS_GROUP },
        ],
      });
    }
  }
}
