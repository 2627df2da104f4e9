import { run } from "./plan/cli";
import { EXIT_ERROR } from "./plan/summary";

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = EXIT_ERROR;
}
