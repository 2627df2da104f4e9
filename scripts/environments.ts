/**
 * `npm run environments [-- --github]`: the environments in stacks/environments/ as the workflows
 * take them (scripts/lib/workflow-environments.ts), validated. With `--github`, `<platform>=<JSON>`
 * lines to append to $GITHUB_OUTPUT; without it, the same lists as readable JSON.
 */
import { shippedEnvironmentFiles } from "../stacks/environments";
import { type CommandHelp, renderHelp, wantsHelp } from "./lib/help";
import { githubOutputLines, workflowEnvironments } from "./lib/workflow-environments";

const HELP: CommandHelp = {
  usage: "npm run environments [-- --github]",
  summary:
    "Validates the environment files in stacks/environments/ and prints them as the workflows " +
    "take them: per platform, in promotion order, as JSON.",
  options: [["--github", "print <platform>=<JSON> lines to append to $GITHUB_OUTPUT instead"]],
  examples: ["npm run environments", 'npm run environments -- --github >> "$GITHUB_OUTPUT"'],
  exit: [
    [0, "printed"],
    [1, "an environment file is invalid, or an unknown argument"],
  ],
};

try {
  const args = process.argv.slice(2);
  if (wantsHelp(args)) {
    process.stdout.write(renderHelp(HELP));
    process.exit(0);
  }
  if (args.some((arg) => arg !== "--github")) {
    throw new Error(`usage: ${HELP.usage} (--help: more)`);
  }
  const lists = workflowEnvironments(shippedEnvironmentFiles());
  process.stdout.write(
    args.includes("--github") ? githubOutputLines(lists) : `${JSON.stringify(lists, null, 2)}\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
