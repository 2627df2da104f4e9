/**
 * Offline mode: `PLATFORM_OFFLINE=1` gives every AWS provider fake static credentials and the
 * skip flags, and every stack a local backend, so that synth, validate and plan run with no AWS
 * account. Never set it in a pipeline that applies.
 */
export const OFFLINE_VARIABLE = "PLATFORM_OFFLINE";

export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[OFFLINE_VARIABLE];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}
