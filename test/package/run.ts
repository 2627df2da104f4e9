import { spawn, spawnSync } from "child_process";

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
}

function failure(command: string, args: readonly string[], options: RunOptions, code: unknown) {
  return (output: RunResult) =>
    new Error(
      `${command} ${args.join(" ")} (in ${options.cwd}) exited with ${String(code)}:\n` +
        `${output.stdout}\n${output.stderr}`,
    );
}

/** Runs a command to completion; a non-zero exit fails the test with everything it printed. */
export function run(command: string, args: readonly string[], options: RunOptions): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = { stdout: result.stdout, stderr: result.stderr };
  if (result.status !== 0) {
    throw failure(command, args, options, result.status ?? result.signal)(output);
  }
  return output;
}

/** `run`, without blocking: the consumer matrix runs installs and Node lines side by side. */
export function runAsync(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return runAsyncStatus(command, args, options).then(({ status, ...output }) => {
    if (status !== 0) throw failure(command, args, options, status)(output);
    return output;
  });
}

/** Runs a command to completion and returns its exit status with its output, whatever it is. */
export function runAsyncStatus(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult & { status: number | string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({
        status: code ?? String(signal),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}
