/**
 * The environments as the GitHub workflows take them, in promotion order, each entry carrying
 * what a plan or deploy job needs: its runners and the roles it assumes, from the environment
 * file's `pipeline` (stacks/environment/pipeline.ts). environments.yml prints them
 * (`scripts/environments.ts --github`); plan.yml, deploy.yml and drift.yml build their matrices
 * from them. On a pull request environments.yml reads the base branch's files, so what a pull
 * request changes in them applies only once it is merged.
 */
import { deploySequence } from "../../stacks/app";
import { resolvePipeline, type PipelineJob } from "../../stacks/environment/pipeline";
import { environmentSchema, type Environment } from "../../stacks/environment/schema";
import type { EnvironmentFile } from "../../stacks/environment/file";
import { displayPath } from "../../stacks/environment/load";

export type Platform = Environment["platform"];

/** Every platform, so each deploy list exists (possibly empty) for the workflows to read. */
export const PLATFORMS: readonly Platform[] = environmentSchema.options.map(
  (option) => option.shape.platform.value,
);

/** A kind of job of one environment: where it runs and the role it assumes (null: none). */
export interface WorkflowJob {
  readonly runsOn: readonly string[];
  readonly roleArn: string | null;
}

export interface WorkflowEnvironment {
  readonly name: string;
  readonly promotion: number;
  readonly platform: Platform;
  /** The GitHub environment its applies run in: approvals and deployment-branch rules. */
  readonly githubEnvironment: string;
  /** Stacks in deploy order (`deploySequence`); destroy runs them in reverse. */
  readonly stacks: readonly string[];
  /** Region of its AWS credentials: the environment's, or its state bucket's; null without AWS. */
  readonly awsRegion: string | null;
  /** Plans of pull requests (PR code): read-only role, a runner no deploy runner matches. */
  readonly plan: WorkflowJob | null;
  /**
   * Plans on main, before approval (deploy.yml) and of drift (drift.yml): on the deploy runner,
   * which runs main's code only (so no runner that ran a pull request's code makes a plan that is
   * applied), as the read-only plan role.
   */
  readonly mainPlan: WorkflowJob;
  /** Applies of approved plans. */
  readonly deploy: WorkflowJob;
}

/** One stack's turn in a deploy: plan on main, approval, apply of exactly that plan. */
export interface WorkflowDeploy {
  readonly environment: string;
  readonly stack: string;
  readonly githubEnvironment: string;
  readonly awsRegion: string | null;
  readonly mainPlan: WorkflowJob;
  readonly deploy: WorkflowJob;
}

/** What an environment file lacks for the workflows, and the field to change. */
export interface WorkflowProblem {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

/** Environment files the workflows cannot run, each problem with its file and field. */
export class WorkflowEnvironmentError extends Error {
  constructor(readonly problems: readonly WorkflowProblem[]) {
    super(problems.map((p) => `${displayPath(p.file)}: ${p.field}: ${p.message}`).join("\n"));
    this.name = "WorkflowEnvironmentError";
  }
}

const job = (j: PipelineJob): WorkflowJob => ({ runsOn: j.runsOn, roleArn: j.roleArn ?? null });

function workflowEnvironment(
  file: EnvironmentFile,
  problems: WorkflowProblem[],
): WorkflowEnvironment {
  const env = file.environment;
  const pipeline = resolvePipeline(env);
  const awsRegion = env.platform === "eks" ? env.aws.region : (env.state?.region ?? null);
  const needsAws = awsRegion !== null;
  const problem = (field: string, message: string) =>
    problems.push({ file: file.file, field, message });

  if (needsAws && !pipeline.deploy.roleArn) {
    problem(
      "pipeline.deploy.roleArn",
      "is not set: the deploy workflow assumes this role through GitHub's OIDC tokens to apply " +
        "(docs/security.md has its trust policy); add the role's ARN",
    );
  }
  if (needsAws && pipeline.plan && !pipeline.plan.roleArn) {
    problem(
      "pipeline.plan.roleArn",
      "is not set: plans of pull requests, of main before each deploy and of drift assume this " +
        "read-only role (docs/security.md has its trust policy); add the role's ARN",
    );
  }
  if (needsAws && !pipeline.plan) {
    problem(
      "pipeline.plan",
      `is not set, and the environment keeps state in S3: main is planned before approval with a ` +
        `read-only role; add pipeline.plan with its runner and role`,
    );
  }
  return {
    name: env.name,
    promotion: file.promotion,
    platform: env.platform,
    githubEnvironment: env.name,
    stacks: deploySequence(env),
    awsRegion,
    plan: pipeline.plan ? job(pipeline.plan) : null,
    mainPlan: { runsOn: pipeline.deploy.runsOn, roleArn: pipeline.plan?.roleArn ?? null },
    deploy: job(pipeline.deploy),
  };
}

export interface WorkflowLists {
  /** Environments planned on pull requests (and whose summaries the comment shows). */
  readonly planned: WorkflowEnvironment[];
  /** Every environment, for the drift plan. */
  readonly drift: WorkflowEnvironment[];
  /** Each platform's stack deploys, environment after environment, stacks in deploy order. */
  readonly deploys: Record<Platform, WorkflowDeploy[]>;
}

/**
 * The workflows' lists from `files` (the loader's promotion order). Throws a
 * WorkflowEnvironmentError naming each file and field when an environment lacks a role the
 * workflows need.
 */
export function workflowEnvironments(files: readonly EnvironmentFile[]): WorkflowLists {
  const problems: WorkflowProblem[] = [];
  const environments = files.map((file) => workflowEnvironment(file, problems));
  if (problems.length > 0) throw new WorkflowEnvironmentError(problems);
  return {
    planned: environments.filter((e) => e.plan !== null),
    drift: environments,
    deploys: Object.fromEntries(
      PLATFORMS.map((platform) => [
        platform,
        environments.filter((e) => e.platform === platform).flatMap(deploysOf),
      ]),
    ) as Record<Platform, WorkflowDeploy[]>,
  };
}

function deploysOf(env: WorkflowEnvironment): WorkflowDeploy[] {
  return env.stacks.map((stack) => ({
    environment: env.name,
    stack,
    githubEnvironment: env.githubEnvironment,
    awsRegion: env.awsRegion,
    mainPlan: env.mainPlan,
    deploy: env.deploy,
  }));
}

/** Output names of environments.yml: `planned`, `drift` and `deploy-<platform>`. */
export const deployOutput = (platform: Platform) => `deploy-${platform}`;

/** `<output>=<JSON>` lines for $GITHUB_OUTPUT, one JSON document per line. */
export function githubOutputLines(lists: WorkflowLists): string {
  const outputs: [string, unknown][] = [
    ["planned", lists.planned],
    ["drift", lists.drift],
    ...PLATFORMS.map((platform): [string, unknown] => [
      deployOutput(platform),
      lists.deploys[platform],
    ]),
  ];
  return outputs.map(([name, value]) => `${name}=${JSON.stringify(value)}\n`).join("");
}
