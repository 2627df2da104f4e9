/**
 * The chart cache: packaged charts (`<chart>-<version>.tgz`, the names `helm pull` writes) that
 * the chart-render tests read instead of a registry. `npm run charts` fills it from the upstream
 * repositories; CI fills it from a local copy (`.ci/run`).
 */
import * as fs from "fs";
import * as path from "path";

/** Names another folder for the chart cache. */
export const CHART_CACHE_VARIABLE = "PLATFORM_CHART_CACHE";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..", "..");

/** The cache folder: `$PLATFORM_CHART_CACHE`, or `.chart-cache/` at the repository root. */
export function chartCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env[CHART_CACHE_VARIABLE] || path.join(REPOSITORY_ROOT, ".chart-cache"));
}

/** Where the archive of one chart version lives in the cache (whether or not it is there). */
export function chartArchive(cacheDir: string, chart: string, version: string): string {
  return path.join(cacheDir, `${chart}-${version}.tgz`);
}

/** The chart archives in the cache folder (none when it does not exist). */
export function cachedArchives(cacheDir: string): string[] {
  if (!fs.existsSync(cacheDir)) return [];
  return fs
    .readdirSync(cacheDir)
    .filter((name) => name.endsWith(".tgz"))
    .sort();
}
