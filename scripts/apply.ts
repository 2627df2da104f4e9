import { runApply } from "./lib/apply";

try {
  process.exitCode = runApply(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
