/**
 * jest setupFilesAfterEnv. cdktf records where every token was created: it captures the whole
 * call stack into a plain object (`{ stack: "" }`, not an Error), for an error message should the
 * token fail to resolve. With thousands of tokens per synthesized stack, capturing and formatting
 * those records took about a tenth of the CPU of the in-process synths (2.3 of 20.9 s in a profile
 * of test/stacks.test.ts). Tests do not record them: a token that fails to resolve still fails
 * with cdktf's message, only without its "Object creation stack". Every Error's stack, what a
 * failing test prints, is captured and mapped back to TypeScript as before.
 *
 * PLATFORM_TEST_CREATION_STACKS=1 records them again, to debug such a failure. They then get V8's
 * own frame text (compiled positions): source-map-support's formatter, which jest installs, would
 * map every frame of every record back to TypeScript, a third of an in-process synth.
 */
const capture = Error.captureStackTrace;
/** cdktf's record (cdktf/lib/tokens/private/stack-trace.js): a plain object, its stack empty. */
const isCreationRecord = (target: object) =>
  !(target instanceof Error) && (target as { stack?: unknown }).stack === "";

if (process.env.PLATFORM_TEST_CREATION_STACKS === "1") {
  const mapped = Error.prepareStackTrace;
  if (mapped) {
    Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) =>
      error instanceof Error
        ? mapped(error, frames)
        : `Error${frames.map((frame) => `\n    at ${frame.toString()}`).join("")}`;
  }
} else {
  Error.captureStackTrace = (target: object, below?: Parameters<typeof capture>[1]) => {
    if (!isCreationRecord(target)) capture(target, below);
  };
}
