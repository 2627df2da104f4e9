/**
 * Cleanup on Ctrl-C or a pipeline's SIGTERM: the run's namespace is deleted before the process
 * exits, so an interrupted benchmark leaves no iperf3 pods behind.
 */
const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export function onInterrupt(
  cleanup: () => Promise<void>,
  hint: string,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let cleaning = false;
  const handler = (signal: NodeJS.Signals) => {
    if (cleaning) {
      // A second signal: the user does not want to wait for the API server.
      process.stderr.write(`netbench: leaving without cleanup; later: ${hint}\n`);
      exit(EXIT_CODES[signal]);
      return;
    }
    cleaning = true;
    process.stderr.write(`netbench: ${signal}, deleting what this run created…\n`);
    void cleanup().finally(() => exit(EXIT_CODES[signal]));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
