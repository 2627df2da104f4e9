/**
 * `npm run environments [-- --github]`: the environments in stacks/environments/ as the workflows
 * take them (scripts/lib/workflow-environments.ts), validated. With `--github`, `<platform>=<JSON>`
 * lines to append to $GITHUB_OUTPUT; without it, the same lists as readable JSON.
 */
import { shippedEnvironmentFiles } from "../stacks/environments";
import { githubOutputLines, workflowEnvironments } from "./lib/workflow-environments";

try {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== "--github")) {
    throw new Error("usage: npx tsx scripts/environments.ts [--github]");
  }
  const lists = workflowEnvironments(shippedEnvironmentFiles());
  process.stdout.write(
    args.includes("--github") ? githubOutputLines(lists) : `${JSON.stringify(lists, null, 2)}\n`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
