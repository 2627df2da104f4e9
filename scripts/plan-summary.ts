import { renderHelp, wantsHelp } from "./lib/help";
import { EXIT_ERROR } from "./plan/summary";
import { PLAN_SUMMARY_HELP, runPlanSummary } from "./plan/summary-command";

const argv = process.argv.slice(2);
try {
  if (wantsHelp(argv)) process.stdout.write(renderHelp(PLAN_SUMMARY_HELP));
  else
    process.exitCode = runPlanSummary(
      argv,
      (text) => process.stdout.write(text),
      (line) => process.stderr.write(`${line}\n`),
    );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = EXIT_ERROR;
}
