import { renderHelp, wantsHelp } from "./lib/help";
import { APPLY_HELP, runApply } from "./lib/apply";

const argv = process.argv.slice(2);
try {
  if (wantsHelp(argv)) process.stdout.write(renderHelp(APPLY_HELP));
  else process.exitCode = runApply(argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
