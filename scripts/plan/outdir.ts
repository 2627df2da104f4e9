/**
 * Where synth output goes. Offline runs synthesize and plan in a folder of their own: their local
 * backends must not share working folders with an online `npm run diff` or `npm run plan`, which
 * initialize S3 backends there (Terraform stops with "Backend configuration changed"). A sibling
 * of cdktf.out, so local state still lands at the project root (three levels above each stack).
 */
export const OFFLINE_OUTDIR = "cdktf.out.offline";
export const ONLINE_OUTDIR = "cdktf.out";

/** The synth output folder: `CDKTF_OUTDIR` when set, else one per mode. */
export function defaultOutdir(offline: boolean, env: NodeJS.ProcessEnv = process.env): string {
  return env.CDKTF_OUTDIR || (offline ? OFFLINE_OUTDIR : ONLINE_OUTDIR);
}
