/**
 * test/support/creation-stacks.ts: under jest, cdktf records no creation stack for its tokens,
 * unless PLATFORM_TEST_CREATION_STACKS=1 asks for them, while an Error's stack is still captured
 * and points at the TypeScript source.
 */
import * as fs from "fs";
import { Lazy, Token, Tokenization } from "cdktf";

const RECORDING = process.env.PLATFORM_TEST_CREATION_STACKS === "1";

describe("creation stacks under jest", () => {
  it(`records ${RECORDING ? "one (PLATFORM_TEST_CREATION_STACKS=1)" : "none"} for a cdktf token`, () => {
    const token = Tokenization.reverseString(Lazy.stringValue({ produce: () => "value" }));
    const [resolvable] = token.tokens;
    expect(Token.isUnresolved(resolvable)).toBe(true);
    if (RECORDING) expect(resolvable.creationStack.join("\n")).toContain("creation-stacks.spec.ts");
    else expect(resolvable.creationStack).toEqual([]);
  });

  it("still captures an Error's stack, mapped to this file's line", () => {
    const error = new Error("here");
    const line = fs
      .readFileSync(__filename, "utf8")
      .split("\n")
      .findIndex((text) => text.includes('new Error("here")'));
    expect(error.stack?.split("\n")[1]).toContain(`creation-stacks.spec.ts:${line + 1}:`);
  });
});
