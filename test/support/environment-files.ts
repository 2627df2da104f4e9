import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ENVIRONMENT_FILE_EXTENSION } from "../../stacks/environment/file";
import { loadEnvironmentFiles } from "../../stacks/environment/load";
import { environmentsDir } from "../../stacks/environments";

/** The shipped environment files' text, by file name. */
export function shippedEnvironmentTexts(): Record<string, string> {
  const dir = environmentsDir();
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(ENVIRONMENT_FILE_EXTENSION))
      .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
  );
}

/**
 * A temporary copy of the environments folder's files with `changes` applied: text replaces or
 * adds a file, null removes one. Returns the folder.
 */
export function environmentsFolder(changes: Record<string, string | null> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "environments-"));
  const files = { ...shippedEnvironmentTexts(), ...changes };
  for (const [name, text] of Object.entries(files)) {
    if (text !== null) fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** `text` with each [from, to] pair replaced everywhere, failing when one is not there. */
export function edited(text: string, replacements: readonly [string | RegExp, string][]): string {
  return replacements.reduce((result, [from, to]) => {
    const next = result.replace(
      typeof from === "string" ? new RegExp(escape(from), "g") : from,
      to,
    );
    if (next === result) throw new Error(`${String(from)} is not in the text`);
    return next;
  }, text);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The message loading `changes` over the shipped files fails with, paths relative to the folder. */
export function loadError(changes: Record<string, string | null>): string {
  const dir = environmentsFolder(changes);
  try {
    loadEnvironmentFiles(dir);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return error.message.split(dir + path.sep).join("");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("expected the files to be rejected");
}
