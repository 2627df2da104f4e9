/**
 * `npm run checks`: the type check (`npm run typecheck`), the lint (`npm run lint:code`) and the
 * format check (`npm run lint:format`) side by side. Each keeps about one core busy: one after the
 * other they left the second core of a 2-core machine idle for most of half a minute, and the lint
 * and the format check in turn (`npm run lint`) outlasted the type check beside them. Output is
 * buffered and printed one check after the other, so it reads as if they ran in turn; the exit
 * status is the first failing check's, or 0.
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";

const CHECKS = ["typecheck", "lint:code", "lint:format"];

function run(script) {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("error", (error) =>
      resolve({ script, status: 1, output: [Buffer.from(`${error}\n`)] }),
    );
    child.on("close", (status, signal) =>
      resolve({ script, status: status ?? (signal ? 1 : 0), output }),
    );
  });
}

const results = await Promise.all(CHECKS.map(run));
for (const { script, status, output } of results) {
  process.stdout.write(`> npm run ${script}${status === 0 ? "" : ` (failed, exit ${status})`}\n`);
  process.stdout.write(Buffer.concat(output));
}
process.exitCode = results.find((r) => r.status !== 0)?.status ?? 0;
