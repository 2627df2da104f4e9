/**
 * The pipeline's roles, simulated: which GitHub OIDC tokens may assume each role (the trust
 * policies `npm run environments -- --trust-policies` prints, evaluated by the IAM policy
 * simulator for the token each workflow job gets), and what each role may do inside the cluster
 * (access entries and the platform stack's RBAC, evaluated by a model of EKS's authorization).
 */
import { trustPolicies } from "../../scripts/lib/trust-policies";
import {
  workflowEnvironments,
  type WorkflowEnvironment,
} from "../../scripts/lib/workflow-environments";
import { shippedEnvironmentFiles } from "../../stacks/environments";
import { ClusterAuthorization, type KubernetesRequest } from "./kubernetes-authorization";
import { Decision, simulate } from "./simulate";
import { synthesizeShipped } from "./synthesized";

const REPOSITORY = "octo-org/platform";
const ISSUER = "token.actions.githubusercontent.com";
const lists = workflowEnvironments(shippedEnvironmentFiles());

/** The claims of the OIDC token a job gets, as AWS STS reads them. */
interface Token {
  readonly sub: string;
  readonly job_workflow_ref: string;
  readonly ref: string;
  readonly environment?: string;
  readonly repository?: string;
}

const workflow = (file: string, ref: string, repository = REPOSITORY) =>
  `${repository}/.github/workflows/${file}@${ref}`;
const MAIN = "refs/heads/main";
const PR_REF = "refs/pull/7/merge";

/** The token of each kind of job, for `env`'s GitHub environment. */
function tokens(env: WorkflowEnvironment, other: string): Record<string, Token> {
  const apply = (environment: string, file: string, ref: string, repository = REPOSITORY) => ({
    sub: `repo:${repository}:environment:${environment}`,
    job_workflow_ref: workflow(file, ref, repository),
    ref,
    environment,
    repository,
  });
  return {
    "a pull request's plan": {
      sub: `repo:${REPOSITORY}:pull_request`,
      job_workflow_ref: workflow("plan.yml", PR_REF),
      ref: PR_REF,
    },
    "main's plan before approval": {
      sub: `repo:${REPOSITORY}:ref:${MAIN}`,
      job_workflow_ref: workflow("deploy-stacks.yml", MAIN),
      ref: MAIN,
    },
    "the drift plan": {
      sub: `repo:${REPOSITORY}:ref:${MAIN}`,
      job_workflow_ref: workflow("drift.yml", MAIN),
      ref: MAIN,
    },
    "the approved apply": apply(env.githubEnvironment, "deploy-stacks.yml", MAIN),
    "a pull request's job that names the GitHub environment": apply(
      env.githubEnvironment,
      "plan.yml",
      PR_REF,
    ),
    "a deploy dispatched from another branch": apply(
      env.githubEnvironment,
      "deploy-stacks.yml",
      "refs/heads/feature",
    ),
    "a plan of main in a workflow a branch added": {
      sub: `repo:${REPOSITORY}:ref:${MAIN}`,
      job_workflow_ref: workflow("other.yml", MAIN),
      ref: MAIN,
    },
    "another environment's apply": apply(other, "deploy-stacks.yml", MAIN),
    "another repository's apply": apply(
      env.githubEnvironment,
      "deploy-stacks.yml",
      MAIN,
      "octo-org/fork",
    ),
  };
}

async function assume(roleArn: string, trust: unknown, token: Token): Promise<Decision> {
  const [, partition, , , account] = roleArn.split(":");
  return simulate({
    caller: { federated: `arn:${partition}:iam::${account}:oidc-provider/${ISSUER}` },
    action: "sts:AssumeRoleWithWebIdentity",
    resource: roleArn,
    resourceAccount: account,
    resourcePolicy: trust as never,
    context: {
      [`${ISSUER}:aud`]: "sts.amazonaws.com",
      [`${ISSUER}:repository`]: token.repository ?? REPOSITORY,
      ...Object.fromEntries(
        Object.entries(token)
          .filter(([claim]) => claim !== "repository")
          .map(([claim, value]) => [`${ISSUER}:${claim}`, value]),
      ),
    },
  });
}

const ALLOWED: Record<"plan" | "deploy", string[]> = {
  plan: ["a pull request's plan", "main's plan before approval", "the drift plan"],
  deploy: ["the approved apply"],
};

describe.each(lists.drift.filter((e) => e.deploy.roleArn !== null))(
  "$name: who may assume its roles",
  (env) => {
    const other = lists.drift.find((e) => e.name !== env.name)?.githubEnvironment ?? "other";
    const policies = trustPolicies(env, { repository: REPOSITORY });

    it.each(["plan", "deploy"] as const)(
      "the %s role: only its own jobs, on main",
      async (kind) => {
        const role = policies[kind];
        expect(role?.roleArn).toBe(kind === "plan" ? env.mainPlan.roleArn : env.deploy.roleArn);
        const decided: Record<string, Decision> = {};
        for (const [job, token] of Object.entries(tokens(env, other))) {
          decided[job] = await assume(String(role?.roleArn), role?.trustPolicy, token);
        }
        expect(decided).toEqual(
          Object.fromEntries(
            Object.keys(decided).map((job) => [
              job,
              ALLOWED[kind].includes(job) ? "Allowed" : "ImplicitlyDenied",
            ]),
          ),
        );
      },
    );
  },
);

describe("the pipeline's roles inside each cluster", () => {
  const stacks = synthesizeShipped();
  const eks = lists.drift.filter((e) => e.platform === "eks");

  describe.each(eks)("$name", (env) => {
    const cluster = new ClusterAuthorization(env.name, stacks);
    const plan = String(env.plan?.roleArn);
    const deploy = String(env.deploy.roleArn);
    const platform = stacks.get(`${env.name}-platform`);
    const releaseNamespaces = [
      ...new Set(
        Object.values(platform?.resource?.helm_release ?? {}).map((r) =>
          String(r.namespace ?? "default"),
        ),
      ),
    ];
    const secrets = (verb: string, namespace: string): KubernetesRequest => ({
      verb,
      apiGroup: "",
      resource: "secrets",
      namespace,
    });

    it("lets the deploy role do anything, and the plan role only with an entry of its own", () => {
      expect(cluster.principals()).toEqual(expect.arrayContaining([plan, deploy]));
      expect(cluster.allows(deploy, secrets("create", "tigera-operator"))).toBe(true);
      expect(
        cluster.allows(deploy, {
          verb: "create",
          apiGroup: "rbac.authorization.k8s.io",
          resource: "clusterroles",
        }),
      ).toBe(true);
      expect(
        cluster.allows("arn:aws:iam::999999999999:role/other", secrets("get", "kube-system")),
      ).toBe(false);
    });

    it("lets the plan role read Helm's release records in every namespace the stack installs into", () => {
      expect(releaseNamespaces.length).toBeGreaterThan(1);
      for (const namespace of releaseNamespaces) {
        for (const verb of ["get", "list"])
          expect(cluster.allows(plan, secrets(verb, namespace))).toBe(true);
      }
    });

    it("lets the plan role refresh every Kubernetes object of the platform stack", () => {
      // The API group and resource each resource type of the kubernetes provider reads.
      const READS: Record<string, { apiGroup: string; resource: string; namespaced: boolean }> = {
        kubernetes_role_v1: {
          apiGroup: "rbac.authorization.k8s.io",
          resource: "roles",
          namespaced: true,
        },
        kubernetes_role_binding_v1: {
          apiGroup: "rbac.authorization.k8s.io",
          resource: "rolebindings",
          namespaced: true,
        },
        kubernetes_namespace_v1: { apiGroup: "", resource: "namespaces", namespaced: false },
        kubernetes_network_policy_v1: {
          apiGroup: "networking.k8s.io",
          resource: "networkpolicies",
          namespaced: true,
        },
      };
      const kubernetesTypes = Object.keys(platform?.resource ?? {}).filter((t) =>
        t.startsWith("kubernetes_"),
      );
      expect(kubernetesTypes.length).toBeGreaterThan(0);
      for (const type of kubernetesTypes) {
        const read = READS[type];
        if (!read)
          throw new Error(`${type}: add what it reads to READS, then check the plan role may`);
        for (const object of Object.values(platform?.resource?.[type] ?? {})) {
          const metadata = [object.metadata].flat()[0] as { namespace?: string };
          const request = {
            verb: "get",
            ...read,
            namespace: read.namespaced ? metadata.namespace : undefined,
          };
          expect({ type, ...request, allowed: cluster.allows(plan, request) }).toMatchObject({
            allowed: true,
          });
        }
      }
    });

    it("lets the plan role read every Kubernetes data source of the platform stack", () => {
      // What each data source of the kubernetes provider lists, cluster-wide.
      const LISTS: Record<string, { apiGroup: string; resource: string }> = {
        kubernetes_all_namespaces: { apiGroup: "", resource: "namespaces" },
      };
      const types = Object.keys(platform?.data ?? {}).filter((t) => t.startsWith("kubernetes_"));
      // The namespace adoption's read of the cluster's namespaces (constructs/shared/namespace.ts).
      expect(types).toContain("kubernetes_all_namespaces");
      for (const type of types) {
        const read = LISTS[type];
        if (!read)
          throw new Error(`${type}: add what it reads to LISTS, then check the plan role may`);
        expect({ type, allowed: cluster.allows(plan, { verb: "list", ...read }) }).toEqual({
          type,
          allowed: true,
        });
      }
    });

    it("never lets the plan role write, nor read Secrets outside the release namespaces", () => {
      for (const namespace of releaseNamespaces) {
        for (const verb of ["create", "update", "patch", "delete"]) {
          expect(cluster.allows(plan, secrets(verb, namespace))).toBe(false);
          expect(
            cluster.allows(plan, { verb, apiGroup: "apps", resource: "deployments", namespace }),
          ).toBe(false);
        }
      }
      for (const namespace of ["default", "kube-public", "applications"]) {
        expect(cluster.allows(plan, secrets("list", namespace))).toBe(false);
      }
      expect(
        cluster.allows(plan, { verb: "get", apiGroup: "", resource: "pods", namespace: "default" }),
      ).toBe(true);
    });
  });
});
