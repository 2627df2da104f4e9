/**
 * Says that a suite did not run and why, once, on stderr: plain text, without the stack trace
 * jest adds to console output.
 */
export function reportNotRun(name: string, reason: string): void {
  process.stderr.write(`\n*** NOT RUN "${name}": ${reason}. These checks run in CI. ***\n\n`);
}
