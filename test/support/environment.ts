/**
 * jest's node environment, which also removes the temporary folders a suite made (scratch.ts)
 * once the suite is over: after every `afterAll` of the suite, which may still read them.
 */
import * as fs from "fs";
import NodeEnvironment from "jest-environment-node";
import { SCRATCH_DIRS } from "./scratch";

export default class ScratchEnvironment extends NodeEnvironment {
  override async teardown(): Promise<void> {
    const made = (this.global as Record<string, unknown>)[SCRATCH_DIRS];
    for (const dir of Array.isArray(made) ? (made as string[]) : []) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await super.teardown();
  }
}
