import { run } from "./plan/cli";
import { EXIT_ERROR } from "./plan/summary";

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = EXIT_ERROR;
  },
);
