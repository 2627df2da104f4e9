import { run } from "./netbench/cli";

run(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    // What the failing step says to do (a kubeconfig it cannot use, an AWS call that failed).
    const next = (error as { next?: unknown } | undefined)?.next;
    if (typeof next === "string") console.error(`  next: ${next}`);
    process.exitCode = 2;
  },
);
