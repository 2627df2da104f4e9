/**
 * A repository script (`scripts/<name>.ts`) in a child process, started by scripts/ts-app.cjs,
 * the runner of cdktf.json's app command: each module compiled once and then loaded from its
 * cache as plain CommonJS. `npm run <script>` starts tsx instead, whose loader runs in a second
 * process and costs about a second of CPU per start; for a test of what a script prints and
 * returns the launcher makes no difference. A test of how npm runs a script (signals reaching
 * it, say) starts tsx itself.
 */
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const TS_APP = path.join(ROOT, "scripts", "ts-app.cjs");

/** The command and arguments that run `script` (relative to the repository) with `args`. */
export function scriptCommand(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, [TS_APP, path.join(ROOT, script), ...args]];
}
