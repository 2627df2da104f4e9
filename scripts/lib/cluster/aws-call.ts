/**
 * AWS API calls of the day-2 tools: each with a deadline (and the run's signal, for the overall
 * deadline and Ctrl-C), and an error that names the call and says what to do next.
 */
import { withTimeout } from "./timeout";

export const AWS_CALL_TIMEOUT_MS = 15_000;

export class AwsCallError extends Error {
  constructor(
    /** `eks:DescribeCluster` */
    readonly call: string,
    readonly detail: string,
    /** What to try next. */
    readonly next: string,
  ) {
    super(`${call} failed: ${detail}`);
    this.name = "AwsCallError";
  }
}

const CREDENTIALS =
  "give this shell AWS credentials for the environment's account (AWS_PROFILE=<profile>, " +
  "after `aws sso login --profile <profile>` if it uses SSO)";

/** Runs `send` with an abort signal that fires on `signal` or after `timeoutMs`. */
export async function awsCall<T>(
  call: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  options: { signal?: AbortSignal; timeoutMs?: number; credentialsHint?: string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? AWS_CALL_TIMEOUT_MS;
  const deadline = withTimeout(timeoutMs, options.signal);
  try {
    return await send(deadline.signal);
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    if (options.signal?.aborted) throw new AwsCallError(call, "stopped", "run it again");
    if (deadline.timedOut() || name === "AbortError" || name === "TimeoutError") {
      throw new AwsCallError(
        call,
        `no answer within ${timeoutMs / 1000} s`,
        "check this machine's network path to the AWS API (proxy, VPC endpoint) and run it again",
      );
    }
    if (name === "CredentialsProviderError" || /credential/i.test(message)) {
      throw new AwsCallError(
        call,
        message,
        [CREDENTIALS, options.credentialsHint].filter(Boolean).join("; "),
      );
    }
    throw new AwsCallError(call, message, `check that your AWS identity may call ${call}`);
  } finally {
    deadline.clear();
  }
}
