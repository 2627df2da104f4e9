/**
 * The environments as the GitHub workflows take them: one list per platform, in promotion order,
 * each entry carrying what a plan or deploy job needs. environments.yml prints them
 * (`scripts/environments.ts --github`); plan.yml and deploy.yml build their matrices from them.
 */
import { deploySequence } from "../../stacks/app";
import { environmentSchema, type Environment } from "../../stacks/environment/schema";
import type { EnvironmentFile } from "../../stacks/environment/file";

export type Platform = Environment["platform"];

/** Every platform, so each list exists (possibly empty) for the workflows to read. */
export const PLATFORMS: readonly Platform[] = environmentSchema.options.map(
  (option) => option.shape.platform.value,
);

/** The GitHub environment variable holding the deploy role ARN; one role per account. */
const DEPLOY_ROLE_VARIABLE = "DEPLOY_ROLE_ARN";

export interface WorkflowEnvironment {
  readonly name: string;
  readonly promotion: number;
  /** The GitHub environment its deploy runs in: approvals and the deploy role variable. */
  readonly githubEnvironment: string;
  /** Stacks in deploy order (`deploySequence`); destroy runs them in reverse. */
  readonly stacks: readonly string[];
  /**
   * `runs-on` of its jobs. On-prem, a self-hosted runner inside the cluster's network labelled
   * with the environment's name, holding the kubeconfig the environment names.
   */
  readonly runsOn: string | readonly string[];
  /** Whether its jobs assume an AWS role: always on EKS, on-prem when its state is in S3. */
  readonly aws: boolean;
  /** Region of those credentials: the environment's, or its state bucket's; null without AWS. */
  readonly awsRegion: string | null;
  /** Repository variable holding the ARN of its read-only plan role; null when not planned. */
  readonly planRoleVariable: string | null;
  /** Variable of its GitHub environment holding the deploy role ARN; null without AWS. */
  readonly deployRoleVariable: string | null;
}

/** `PLAN_ROLE_ARN_<NAME>`: GitHub variable names take letters, digits and underscores. */
function planRoleVariable(name: string): string {
  return `PLAN_ROLE_ARN_${name.toUpperCase().replace(/-/g, "_")}`;
}

function workflowEnvironment(file: EnvironmentFile): WorkflowEnvironment {
  const env = file.environment;
  const awsRegion = env.platform === "eks" ? env.aws.region : (env.state?.region ?? null);
  return {
    name: env.name,
    promotion: file.promotion,
    githubEnvironment: env.name,
    stacks: deploySequence(env),
    runsOn: env.platform === "eks" ? "ubuntu-latest" : ["self-hosted", env.name],
    aws: awsRegion !== null,
    awsRegion,
    // The plan job runs on GitHub's runners, which reach EKS but not an on-prem cluster.
    planRoleVariable: env.platform === "eks" ? planRoleVariable(env.name) : null,
    deployRoleVariable: awsRegion !== null ? DEPLOY_ROLE_VARIABLE : null,
  };
}

/** Each platform's environments in the order of `files` (the loader's promotion order). */
export function workflowEnvironments(
  files: readonly EnvironmentFile[],
): Record<Platform, WorkflowEnvironment[]> {
  return Object.fromEntries(
    PLATFORMS.map((platform) => [
      platform,
      files.filter((f) => f.environment.platform === platform).map(workflowEnvironment),
    ]),
  ) as Record<Platform, WorkflowEnvironment[]>;
}

/** `<platform>=<JSON>` lines for $GITHUB_OUTPUT, one JSON document per line. */
export function githubOutputLines(lists: Record<Platform, WorkflowEnvironment[]>): string {
  return PLATFORMS.map((platform) => `${platform}=${JSON.stringify(lists[platform])}\n`).join("");
}
