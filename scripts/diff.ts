import { spawnSync } from "child_process";
import { renderHelp, wantsHelp } from "./lib/help";
import { terraformEnvironment } from "./lib/terraform";
import { diffCommand, DIFF_HELP } from "./plan/diff-command";

const argv = process.argv.slice(2);
if (wantsHelp(argv)) {
  process.stdout.write(renderHelp(DIFF_HELP));
} else {
  const command = diffCommand(argv, terraformEnvironment().env);
  const result = spawnSync("npx", [...command.args], { stdio: "inherit", env: command.env });
  process.exitCode = result.status ?? 1;
}
