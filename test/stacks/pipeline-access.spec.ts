/**
 * What the pipeline's roles get inside each cluster, as synthesized: the deploy role a cluster-admin
 * access entry, the plan role a view entry in the plan readers' group and, in the platform stack,
 * RBAC for that group in every namespace the stack installs a Helm release into; and every cluster
 * token requested as the identity the aws provider assumes.
 */
import { PLAN_READERS_GROUP, PLAN_READER_ROLE } from "../../stacks/cluster-roles";
import { findEnvironmentFile, shippedEnvironments } from "../../stacks/environments";
import { stackJson, synthEnvironments, synthShipped } from "../support/app";
import { variant } from "../support/variant";

type Resource = Record<string, unknown>;
type Stack = {
  resource?: Record<string, Record<string, Resource>>;
  provider?: Record<string, Resource[]>;
};

const { outdir } = synthShipped({ offline: true });
const eks = shippedEnvironments().filter((e) => e.platform === "eks");
const resources = (stack: Stack, type: string) => Object.values(stack.resource?.[type] ?? {});

/** Access policies associated with each principal: the entry's `${...principal_arn}` resolved. */
function accessOf(infra: Stack): Map<string, { policies: string[]; groups: unknown }> {
  const entries = stack(infra, "aws_eks_access_entry");
  const access = new Map<string, { policies: string[]; groups: unknown }>();
  for (const [id, entry] of entries) {
    if (entry.type !== "STANDARD") continue;
    const policies = resources(infra, "aws_eks_access_policy_association")
      .filter((a) => a.principal_arn === `\${aws_eks_access_entry.${id}.principal_arn}`)
      .map((a) => String(a.policy_arn).split("/").pop() ?? "");
    access.set(String(entry.principal_arn), { policies, groups: entry.kubernetes_groups });
  }
  return access;
}
const stack = (json: Stack, type: string) => Object.entries(json.resource?.[type] ?? {});

describe.each(eks)("$name: the pipeline's roles in the cluster", (env) => {
  const infra = stackJson(outdir, `${env.name}-infra`) as Stack;
  const platform = stackJson(outdir, `${env.name}-platform`) as Stack;
  const roles = env.pipeline;

  it("gives the deploy role cluster admin and the plan role view in the plan readers' group", () => {
    const access = accessOf(infra);
    expect(access.get(String(roles.deploy.roleArn))).toEqual({
      policies: ["AmazonEKSClusterAdminPolicy"],
      groups: undefined,
    });
    expect(access.get(String(roles.plan?.roleArn))).toEqual({
      policies: ["AmazonEKSViewPolicy"],
      groups: [PLAN_READERS_GROUP],
    });
  });

  it("lets the plan readers read Secrets, Roles and RoleBindings in every release namespace", () => {
    const namespaces = [
      ...new Set(resources(platform, "helm_release").map((r) => String(r.namespace ?? "default"))),
    ].sort();
    expect(namespaces.length).toBeGreaterThan(1);
    const roleIds = stack(platform, "kubernetes_role_v1");
    const roles = roleIds.map(([, role]) => role);
    const bindings = resources(platform, "kubernetes_role_binding_v1");
    expect(roles.map((r) => (r.metadata as Resource).namespace).sort()).toEqual(namespaces);
    for (const role of roles) {
      expect(role.rule).toEqual([
        { api_groups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
        {
          api_groups: ["rbac.authorization.k8s.io"],
          resources: ["roles", "rolebindings"],
          verbs: ["get", "list", "watch"],
        },
      ]);
    }
    expect(bindings.map((b) => (b.metadata as Resource).namespace).sort()).toEqual(namespaces);
    for (const binding of bindings) {
      expect(binding.subject).toEqual([
        { api_group: "rbac.authorization.k8s.io", kind: "Group", name: PLAN_READERS_GROUP },
      ]);
      const namespace = (binding.metadata as Resource).namespace;
      const [roleId, role] =
        roleIds.find(([, r]) => (r.metadata as Resource).namespace === namespace) ?? [];
      expect((role?.metadata as Resource).name).toBe(PLAN_READER_ROLE);
      expect(binding.role_ref).toEqual({
        api_group: "rbac.authorization.k8s.io",
        kind: "Role",
        name: `\${kubernetes_role_v1.${roleId}.metadata[0].name}`,
      });
    }
  });

  it("creates each Role after the namespace resource that creates its namespace", () => {
    const creators = stack(platform, "kubernetes_namespace_v1");
    expect(creators.length).toBeGreaterThan(0);
    for (const [id, namespace] of creators) {
      const role = resources(platform, "kubernetes_role_v1").find(
        (r) => (r.metadata as Resource).namespace === (namespace.metadata as Resource).name,
      );
      expect(role?.depends_on).toContain(`kubernetes_namespace_v1.${id}`);
    }
  });
});

describe("with aws.assumeRoleArn (and no plan role)", () => {
  const role = "arn:aws:iam::111111111111:role/terraform";
  const input = variant(findEnvironmentFile("dev").input, {
    aws: { assumeRoleArn: role },
    pipeline: { plan: { roleArn: undefined } },
  });
  const { outdir: out } = synthEnvironments([input], { offline: false });
  const platform = stackJson(out, "dev-platform") as Stack & {
    provider: {
      helm: { kubernetes: { exec: { args: string[] } } }[];
      kubernetes: { exec: { args: string[] }[] }[];
    };
  };

  it("requests every cluster token as that role: both providers and the Calico wait", () => {
    const tokenArgs = [
      platform.provider.helm[0].kubernetes.exec.args,
      platform.provider.kubernetes[0].exec[0].args,
    ];
    for (const args of tokenArgs) {
      expect(args.slice(args.indexOf("--role-arn"), args.indexOf("--role-arn") + 2)).toEqual([
        "--role-arn",
        role,
      ]);
    }
    // Every cluster step (the Calico wait, destroy-time steps): its environment, `${self.input.X}`
    // read from the step's input where a destroy-time provisioner must.
    const steps = resources(platform, "terraform_data").flatMap((r) =>
      ((r.provisioner as { "local-exec": { environment: Record<string, string> } }[]) ?? []).map(
        (p) => ({
          input: r.input as Record<string, string>,
          environment: p["local-exec"].environment,
        }),
      ),
    );
    expect(steps.length).toBeGreaterThan(0);
    for (const { input, environment } of steps) {
      const value = environment.CLUSTER_ROLE_ARN;
      const fromInput = /^\$\{self\.input\.(\w+)\}$/.exec(value ?? "");
      expect(fromInput ? input[fromInput[1]] : value).toBe(role);
    }
  });

  it("gives that role cluster admin: the platform stack acts in the cluster as it", () => {
    const infra = stackJson(out, "dev-infra") as Stack;
    expect(accessOf(infra).get(role)?.policies).toEqual(["AmazonEKSClusterAdminPolicy"]);
  });
});
