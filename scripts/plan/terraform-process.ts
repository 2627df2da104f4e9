/**
 * Terraform as a child process that does not block: plans of independent stacks run side by side.
 * Same CLI configuration as scripts/lib/terraform.ts (provider mirror, shared plugin cache); output
 * is collected up to a cap, and a step that runs past its deadline is stopped.
 */
import { spawn } from "child_process";
import { terraformEnvironment, type TerraformResult } from "../lib/terraform";

/** Largest output kept per stream (a plan JSON of a big stack is tens of MB). */
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Stop the step (SIGTERM, then SIGKILL) after this long. */
  readonly timeoutMs: number;
}

function collector(onOverflow: () => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(chunk: Buffer) {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) onOverflow();
      else chunks.push(chunk);
    },
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

/** Runs `terraform <args>` in `cwd`; resolves with its status and output, never rejects. */
export function runTerraformAsync(
  cwd: string,
  args: readonly string[],
  options: RunOptions,
): Promise<TerraformResult> {
  const tf = terraformEnvironment();
  if (!tf.cli) {
    return Promise.reject(
      new Error("terraform is not installed (https://developer.hashicorp.com/terraform/install)"),
    );
  }
  const cli = tf.cli;
  return new Promise((resolve) => {
    const child = spawn(cli, [...args], {
      cwd,
      env: { ...tf.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stopped: string | undefined;
    const stop = (why: string) => {
      if (stopped) return;
      stopped = why;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    };
    const stdout = collector(() => stop("its output passed 512 MB"));
    const stderr = collector(() => stop("its output passed 512 MB"));
    child.stdout.on("data", (c: Buffer) => stdout.add(c));
    child.stderr.on("data", (c: Buffer) => stderr.add(c));
    const timer = setTimeout(
      () => stop(`it ran past ${Math.round(options.timeoutMs / 60_000)} min`),
      options.timeoutMs,
    );
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ status: 1, stdout: stdout.text(), stderr: `Error: ${error.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const err = stderr.text();
      resolve({
        status: stopped ? 1 : (code ?? 1),
        stdout: stdout.text(),
        stderr: stopped ? `Error: terraform ${args[0]} stopped: ${stopped}\n\n${err}` : err,
      });
    });
  });
}
