/**
 * A signal that aborts when `parent` does, or `ms` from now. Not `AbortSignal.any([parent,
 * AbortSignal.timeout(ms)])`: Node 20 lets the timeout signal inside such a composite be garbage
 * collected before it fires (nodejs/node#57736), and then the request waits for the run's overall
 * deadline instead (test/doctor/request-timeout.spec.ts reproduces it). Here a timer of our own
 * holds the controller; `clear` stops it once the operation has settled.
 */
export interface Timeout {
  readonly signal: AbortSignal;
  /** Whether `ms` passed (rather than `parent` aborting). */
  timedOut(): boolean;
  clear(): void;
}

export function withTimeout(ms: number, parent?: AbortSignal): Timeout {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException(`no answer within ${ms / 1000} s`, "TimeoutError")),
    ms,
  );
  return {
    signal: parent ? AbortSignal.any([parent, timeout.signal]) : timeout.signal,
    timedOut: () => timeout.signal.aborted,
    clear: () => clearTimeout(timer),
  };
}
