/**
 * jest setupFilesAfterEnv. cdktf records where every token was created: it captures the whole
 * call stack into a plain object (`{ stack: "" }`, not an Error) and reads it at once, for an error
 * message should the token fail to resolve. Under jest, reading it runs source-map-support's
 * formatter, which maps every frame back to TypeScript; with thousands of tokens per synthesized
 * stack that mapping was about a third of an in-process synth. Such records get V8's own frame
 * text (compiled positions) instead; an Error's stack, what a failing test prints, is still mapped.
 */
const mapped = Error.prepareStackTrace;
if (mapped) {
  Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) =>
    error instanceof Error
      ? mapped(error, frames)
      : `Error${frames.map((frame) => `\n    at ${frame.toString()}`).join("")}`;
}
