/**
 * The trust policy each pipeline role should have, exactly: which GitHub OIDC tokens may assume it.
 * The roles are created outside this repository (docs/security.md); `npm run environments --
 * --trust-policies <owner>/<repo>` prints these for each environment, and test/access simulates
 * them against the tokens each workflow job gets.
 *
 * A token's `sub` names the repository and the job's context (`pull_request`, `ref:<ref>`, or
 * `environment:<name>` for a job in a GitHub environment); `job_workflow_ref` names the workflow
 * file the job is defined in and the ref it was read from. Requiring `@refs/heads/main` there is
 * what keeps a workflow edited on another branch, or in a pull request, from getting the role.
 */
import type { WorkflowEnvironment } from "./workflow-environments";

export const OIDC_ISSUER = "token.actions.githubusercontent.com";
export const OIDC_AUDIENCE = "sts.amazonaws.com";

/** The workflow files whose jobs assume a role. */
export const CREDENTIAL_WORKFLOWS = {
  /** Plans of pull requests (the PR's own code), with the plan role. */
  pullRequestPlan: "plan.yml",
  /** Plans of main before approval (plan role), applies after it (deploy role). */
  deploy: "deploy-stacks.yml",
  /** Scheduled plans of main (plan role). */
  drift: "drift.yml",
} as const;

export interface TrustOptions {
  /** `owner/repo`, as in `job_workflow_ref`. */
  readonly repository: string;
  /**
   * The repository as the `sub` claim writes it: `owner@<id>/repo@<id>` for repositories with
   * immutable subject claims (all created after 15 July 2026).
   * @default repository
   */
  readonly subjectRepository?: string;
}

interface Statement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Principal: { readonly Federated: string };
  readonly Action: "sts:AssumeRoleWithWebIdentity";
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

export interface TrustPolicy {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Statement[];
}

export interface RoleTrust {
  readonly roleArn: string;
  readonly trustPolicy: TrustPolicy;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const SUBJECT_REPOSITORY = /^[A-Za-z0-9_.-]+(@\d+)?\/[A-Za-z0-9_.-]+(@\d+)?$/;

const key = (claim: string) => `${OIDC_ISSUER}:${claim}`;

/** GitHub's OIDC provider in the role's own account (`arn:<partition>:iam::<account>:role/...`). */
function providerOf(roleArn: string): string {
  const [, partition, , , account] = roleArn.split(":");
  return `arn:${partition}:iam::${account}:oidc-provider/${OIDC_ISSUER}`;
}

function statement(
  sid: string,
  roleArn: string,
  equals: Record<string, string | string[]>,
  like: Record<string, string> = {},
): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Federated: providerOf(roleArn) },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: {
      StringEquals: { [key("aud")]: OIDC_AUDIENCE, ...equals },
      ...(Object.keys(like).length > 0 ? { StringLike: like } : {}),
    },
  };
}

/** The trust policies of an environment's plan and deploy roles (those it names). */
export function trustPolicies(
  env: WorkflowEnvironment,
  options: TrustOptions,
): { plan?: RoleTrust; deploy?: RoleTrust } {
  const { repository } = options;
  const subject = options.subjectRepository ?? repository;
  if (!REPOSITORY.test(repository)) {
    throw new Error(
      `repository must be owner/name, such as octo-org/platform; got "${repository}"`,
    );
  }
  if (!SUBJECT_REPOSITORY.test(subject)) {
    throw new Error(
      `the subject's repository must be owner/name or owner@<id>/name@<id>; got "${subject}"`,
    );
  }
  const workflow = (file: string, ref: string) => `${repository}/.github/workflows/${file}@${ref}`;
  const main = "refs/heads/main";
  const planRole = env.mainPlan.roleArn;
  const deployRole = env.deploy.roleArn;
  return {
    ...(planRole
      ? {
          plan: {
            roleArn: planRole,
            trustPolicy: {
              Version: "2012-10-17",
              Statement: [
                statement("PlansOfMain", planRole, {
                  [key("sub")]: `repo:${subject}:ref:${main}`,
                  [key("job_workflow_ref")]: [
                    workflow(CREDENTIAL_WORKFLOWS.deploy, main),
                    workflow(CREDENTIAL_WORKFLOWS.drift, main),
                  ],
                }),
                ...(env.plan
                  ? [
                      statement(
                        "PlansOfPullRequests",
                        planRole,
                        { [key("sub")]: `repo:${subject}:pull_request` },
                        {
                          [key("job_workflow_ref")]: workflow(
                            CREDENTIAL_WORKFLOWS.pullRequestPlan,
                            "refs/pull/*/merge",
                          ),
                        },
                      ),
                    ]
                  : []),
              ],
            },
          },
        }
      : {}),
    ...(deployRole
      ? {
          deploy: {
            roleArn: deployRole,
            trustPolicy: {
              Version: "2012-10-17",
              Statement: [
                statement("AppliesOfApprovedPlans", deployRole, {
                  [key("sub")]: `repo:${subject}:environment:${env.githubEnvironment}`,
                  [key("job_workflow_ref")]: workflow(CREDENTIAL_WORKFLOWS.deploy, main),
                  [key("ref")]: main,
                }),
              ],
            },
          },
        }
      : {}),
  };
}
