/**
 * Where an environment's plans and deploys run, and as whom: its `pipeline` field. The workflows
 * (.github/workflows) take the runner labels and role ARNs from here; the infra stack gives the
 * roles their access entries; the checks below refuse a runner that cannot reach the cluster and
 * a plan runner a deploy runner would also match. docs/security.md says what each guard stops.
 */
import { z } from "zod";
import { iamRoleArn } from "../../constructs/shared/aws-account";
import { unique } from "../../constructs/shared/validation/fields";
import type { Path, Problem } from "../../constructs/shared/validation/issues";
import type { Environment } from "./schema";

/** The label GitHub gives every runner registered by the repository's owner. */
export const SELF_HOSTED_LABEL = "self-hosted";

/** Where jobs run without a `runsOn`: GitHub's hosted Linux runners. */
export const GITHUB_HOSTED_RUNNER: readonly string[] = ["ubuntu-latest"];

/** A GitHub runner label: what `runs-on` matches (no spaces, commas or expressions). */
const runnerLabel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
  message:
    "must be a runner label: up to 100 letters, digits, dots, hyphens and underscores, such as dev-deploy",
});

const runnerLabels = z
  .array(runnerLabel)
  .min(1, { message: "must list at least one runner label" })
  .max(10, { message: "must list at most 10 runner labels" })
  .superRefine(unique("label"));

const planJobSchema = z
  .object({
    runsOn: runnerLabels
      .optional()
      .describe(
        "Labels of the runners that plan pull requests, main before each deploy, and drift: a job runs on a runner holding every label. A self-hosted runner (label self-hosted) unless the cluster endpoint is open to the internet, and never a deploy runner: give plan runners a label of their own. Default on EKS: GitHub-hosted ubuntu-latest.",
      ),
    roleArn: iamRoleArn
      .optional()
      .describe(
        "Read-only IAM role the plan jobs assume through GitHub's OIDC tokens, in the environment's account. Gets an access entry with AmazonEKSViewPolicy and the Kubernetes group that may read Helm's release Secrets. Without it the environment is not planned by the workflows.",
      ),
  })
  .strict();

const deployJobSchema = z
  .object({
    runsOn: runnerLabels
      .optional()
      .describe(
        "Labels of the runners that apply approved plans. A self-hosted runner (label self-hosted) unless the cluster endpoint is open to the internet. Default: GitHub-hosted ubuntu-latest on EKS; self-hosted and <name> on-prem.",
      ),
    roleArn: iamRoleArn
      .optional()
      .describe(
        "IAM role the deploy job assumes through GitHub's OIDC tokens, in the environment's account. Gets a cluster-admin access entry. Without it the environment is not deployed by the workflows.",
      ),
  })
  .strict();

export const pipelineSchema = z
  .object({
    plan: planJobSchema.optional(),
    deploy: deployJobSchema.default({}),
  })
  .strict()
  .describe(
    "Where the workflows plan and deploy this environment, and the IAM roles they assume (docs/security.md).",
  );

export type Pipeline = z.infer<typeof pipelineSchema>;

/** One kind of job of an environment's pipeline, with its defaults filled in. */
export interface PipelineJob {
  readonly runsOn: readonly string[];
  readonly roleArn?: string;
}

export interface ResolvedPipeline {
  readonly deploy: PipelineJob;
  /** Absent when the environment is not planned (on-prem without `pipeline.plan`). */
  readonly plan?: PipelineJob;
}

/**
 * The pipeline with defaults: EKS environments plan and deploy on GitHub's runners unless told
 * otherwise; an on-prem environment deploys on a self-hosted runner labelled with its name (the one
 * that holds its kubeconfig) and is planned only when `pipeline.plan` says where.
 */
export function resolvePipeline(env: Environment): ResolvedPipeline {
  const { plan, deploy } = env.pipeline;
  const hosted = env.platform === "eks";
  return {
    deploy: {
      runsOn: deploy.runsOn ?? (hosted ? GITHUB_HOSTED_RUNNER : [SELF_HOSTED_LABEL, env.name]),
      roleArn: deploy.roleArn,
    },
    plan:
      plan || hosted
        ? { runsOn: plan?.runsOn ?? GITHUB_HOSTED_RUNNER, roleArn: plan?.roleArn }
        : undefined,
  };
}

export function isSelfHosted(labels: readonly string[]): boolean {
  return labels.includes(SELF_HOSTED_LABEL);
}

/**
 * Why GitHub's hosted runners cannot reach the cluster's API server, with the field that decides
 * it; undefined when the endpoint is open to the internet. Hosted runners take addresses from
 * GitHub's whole published ranges, which no endpoint allowlist can hold.
 */
function unreachableFromHostedRunners(env: Environment): string | undefined {
  if (env.platform === "onprem") {
    return `an on-prem cluster is reached through the kubeconfig ${env.kubeconfig.path}, which only a runner of the owner's can hold`;
  }
  const { endpoint } = env.cluster;
  if (!endpoint.public) {
    return `the cluster's API endpoint is private (cluster.endpoint.public is false)`;
  }
  const cidrs = endpoint.publicAccessCidrs;
  if (cidrs.length > 0 && !cidrs.includes("0.0.0.0/0")) {
    return `the cluster's public endpoint admits only ${cidrs.join(", ")} (cluster.endpoint.publicAccessCidrs)`;
  }
  return undefined;
}

const labelList = (labels: readonly string[]) => `[${labels.join(", ")}]`;

/** `a` is matched by every runner that `b` is matched by: each label of `a` is one of `b`'s. */
const subsetOf = (a: readonly string[], b: readonly string[]) => a.every((l) => b.includes(l));

/**
 * What an environment's pipeline must satisfy on its own: runners that can reach the cluster,
 * plan runners no deploy runner matches, roles of the environment's account, and no provider role
 * that plans would assume too.
 */
export function pipelineProblems(env: Environment): Problem[] {
  const problems: Problem[] = [];
  const report = (path: Path, message: string) => problems.push({ path, message });
  const pipeline = resolvePipeline(env);
  const unreachable = unreachableFromHostedRunners(env);
  const jobs = [
    ["deploy", pipeline.deploy],
    ["plan", pipeline.plan],
  ] as const;

  for (const [kind, job] of jobs) {
    if (!job || !unreachable || isSelfHosted(job.runsOn)) continue;
    const given = env.pipeline[kind]?.runsOn ? "" : " (the default)";
    report(
      ["pipeline", kind, "runsOn"],
      `runs ${kind} jobs on GitHub-hosted runners ${labelList(job.runsOn)}${given}, which cannot ` +
        `reach the cluster: ${unreachable}. List the labels of a self-hosted runner inside its ` +
        `network, such as [${SELF_HOSTED_LABEL}, ${env.name}-${kind}]`,
    );
  }

  const { plan, deploy } = pipeline;
  if (plan && isSelfHosted(deploy.runsOn) && subsetOf(plan.runsOn, deploy.runsOn)) {
    report(
      ["pipeline", "plan", "runsOn"],
      `${labelList(plan.runsOn)} are all labels of the deploy runner ${labelList(deploy.runsOn)}, so a ` +
        `deploy runner, which holds the cluster access deploys need, would also take plan jobs, which ` +
        `run pull-request code; give the plan runners a label of their own, such as ${env.name}-plan`,
    );
  }

  if (plan?.roleArn && plan.roleArn === deploy.roleArn) {
    report(
      ["pipeline", "plan", "roleArn"],
      `is also pipeline.deploy.roleArn: plans run pull-request code, so they need a read-only role of their own`,
    );
  }

  if (env.platform === "eks") {
    for (const [kind, job] of jobs) {
      const account = job?.roleArn?.split(":")[4];
      if (account && account !== env.aws.accountId) {
        report(
          ["pipeline", kind, "roleArn"],
          `is in account ${account}, not the environment's ${env.aws.accountId}: the ${kind} job ` +
            `assumes it directly through GitHub's OIDC provider, and its access entry is made in ` +
            `${env.aws.accountId}; use a role of that account`,
        );
      }
    }
    if (plan?.roleArn && env.cluster.admins.includes(plan.roleArn)) {
      report(
        ["pipeline", "plan", "roleArn"],
        `is also in cluster.admins: EKS gives a principal one access entry, and the plan role's ` +
          `must be read-only because plans run pull-request code; use a role of its own`,
      );
    }
    if (env.aws.assumeRoleArn && plan?.roleArn) {
      report(
        ["aws", "assumeRoleArn"],
        `the providers and every cluster token assume this role, in plans too, so the plan role ` +
          `would need to assume it and pull-request code would hold its rights; remove it (the ` +
          `pipeline roles act directly), or remove pipeline.plan.roleArn and plan elsewhere`,
      );
    }
  }
  return problems;
}

/** A problem of one environment (by its index) found only across the set. */
export interface PipelineSetProblem extends Problem {
  readonly environment: number;
}

/**
 * Plan runners that another environment's deploy runner would also match: any self-hosted
 * runner with all of a plan job's labels can take it, whichever environment it serves.
 */
export function pipelineSetProblems(envs: readonly Environment[]): PipelineSetProblem[] {
  const pipelines = envs.map(resolvePipeline);
  return pipelines.flatMap((pipeline, index) => {
    const plan = pipeline.plan;
    if (!plan) return [];
    const clash = pipelines.findIndex(
      (other, j) =>
        j !== index &&
        isSelfHosted(other.deploy.runsOn) &&
        subsetOf(plan.runsOn, other.deploy.runsOn),
    );
    if (clash < 0) return [];
    return [
      {
        environment: index,
        path: ["pipeline", "plan", "runsOn"],
        message:
          `${labelList(plan.runsOn)} are all labels of ${envs[clash].name}'s deploy runner ` +
          `${labelList(pipelines[clash].deploy.runsOn)}, so that runner, which holds deploy access, ` +
          `would also take this environment's plan jobs, which run pull-request code; give the ` +
          `plan runners a label of their own, such as ${envs[index].name}-plan`,
      },
    ];
  });
}
