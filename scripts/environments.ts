/**
 * `npm run environments [-- --github | --trust-policies <owner>/<repo> [<sub repository>]]`: the
 * environments in stacks/environments/ as the workflows take them
 * (scripts/lib/workflow-environments.ts), validated. With `--github`, `<output>=<JSON>` lines to
 * append to $GITHUB_OUTPUT; with `--trust-policies`, the trust policy each environment's plan and
 * deploy roles need for this repository (the subject's repository is `owner@<id>/repo@<id>` where
 * GitHub writes immutable subject claims); without either, the lists as readable JSON.
 */
import { displayValue } from "../constructs/shared/validation/display";
import { shippedEnvironmentFiles } from "../stacks/environments";
import { type CommandHelp, renderHelp, shortUsage, wantsHelp } from "./lib/help";
import { trustPolicies } from "./lib/trust-policies";
import { githubOutputLines, workflowEnvironments } from "./lib/workflow-environments";

const HELP: CommandHelp = {
  usage: "npm run environments [-- --github | --trust-policies <owner>/<repo> [<sub repository>]]",
  summary:
    "Validates the environment files in stacks/environments/ and prints them as the workflows " +
    "take them: per platform, in promotion order, as JSON.",
  options: [
    ["--github", "print <output>=<JSON> lines to append to $GITHUB_OUTPUT instead"],
    [
      "--trust-policies <owner>/<repo> [<owner>@<id>/<repo>@<id>]",
      "print the trust policy each environment's plan and deploy roles need for this repository",
    ],
  ],
  examples: [
    "npm run environments",
    'npm run environments -- --github >> "$GITHUB_OUTPUT"',
    "npm run environments -- --trust-policies example-org/platform",
  ],
  exit: [
    [0, "printed"],
    [1, "an environment file is invalid, or an unknown argument"],
  ],
};
const USAGE = shortUsage(HELP);

try {
  const args = process.argv.slice(2);
  if (wantsHelp(args)) {
    process.stdout.write(renderHelp(HELP));
    process.exit(0);
  }
  const [mode, repository, subjectRepository, ...rest] = args;
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
    const problem =
      mode === "--trust-policies" && repository === undefined
        ? "--trust-policies needs <owner>/<repo>"
        : mode === "--github" || mode === "--trust-policies"
          ? `unexpected argument ${displayValue(args[mode === "--github" ? 1 : 3])} after ${mode}`
          : `unknown argument ${displayValue(mode)}`;
    throw new Error(`${problem}\n${USAGE}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
