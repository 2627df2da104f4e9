/**
 * Temporary folders that go away with their test suite: `scratchDir` makes one, and the suite's
 * jest environment (environment.ts) removes every one the suite made when it is over, so runs do
 * not pile folders up in the system's temporary folder. cdktf's `Testing.app()` and
 * `Testing.fullSynth()` make theirs the same way (scratch-testing.ts points them here).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The suite's global under which the folders are listed for the environment. */
export const SCRATCH_DIRS = "__platformScratchDirs";

const made: string[] = ((globalThis as Record<string, unknown>)[SCRATCH_DIRS] ??= []) as string[];

/** Lists `dir` for removal when the suite is over, and returns it. */
export function removedAfterSuite(dir: string): string {
  made.push(dir);
  return dir;
}

/** A fresh folder in the system's temporary folder, removed when the suite is over. */
export function scratchDir(prefix: string): string {
  return removedAfterSuite(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}
