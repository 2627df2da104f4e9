/**
 * `npm run environments [-- --github | --trust-policies <owner>/<repo> [<sub repository>]]`: the
 * environments in stacks/environments/ as the workflows take them
 * (scripts/lib/workflow-environments.ts), validated. With `--github`, `<output>=<JSON>` lines to
 * append to $GITHUB_OUTPUT; with `--trust-policies`, the trust policy each environment's plan and
 * deploy roles need for this repository (the subject's repository is `owner@<id>/repo@<id>` where
 * GitHub writes immutable subject claims); without either, the lists as readable JSON.
 */
import { shippedEnvironmentFiles } from "../stacks/environments";
import { trustPolicies } from "./lib/trust-policies";
import { githubOutputLines, workflowEnvironments } from "./lib/workflow-environments";

const USAGE =
  "usage: npx tsx scripts/environments.ts [--github | --trust-policies <owner>/<repo> [<owner>@<id>/<repo>@<id>]]";

try {
  const [mode, repository, subjectRepository, ...rest] = process.argv.slice(2);
  const lists = workflowEnvironments(shippedEnvironmentFiles());
  if (mode === "--github" && repository === undefined) {
    process.stdout.write(githubOutputLines(lists));
  } else if (mode === "--trust-policies" && repository !== undefined && rest.length === 0) {
    const policies = Object.fromEntries(
      lists.drift.map((env) => [env.name, trustPolicies(env, { repository, subjectRepository })]),
    );
    process.stdout.write(`${JSON.stringify(policies, null, 2)}\n`);
  } else if (mode === undefined) {
    process.stdout.write(`${JSON.stringify(lists, null, 2)}\n`);
  } else {
    throw new Error(USAGE);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
