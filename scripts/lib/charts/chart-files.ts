/**
 * Reads one file of a chart, packaged (`.tgz`: gzip over ustar) or unpacked (a folder), without
 * a `tar` binary.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { parse as parseYaml } from "yaml";

/** The content of `file` (relative to the chart's root) or undefined when the chart has none. */
export function chartFile(chartPath: string, file: string): string | undefined {
  if (fs.statSync(chartPath).isDirectory()) {
    const full = path.join(chartPath, file);
    return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : undefined;
  }
  const tar = zlib.gunzipSync(fs.readFileSync(chartPath));
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    const name = [field(345, 155), field(0, 100)].filter(Boolean).join("/");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    // The archive's top folder is the chart's name: `<chart>/values.yaml`.
    if ((type === "0" || type === "") && name.split("/").slice(1).join("/") === file) {
      return tar.toString("utf8", offset + 512, offset + 512 + size);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/**
 * Checks that a chart archive holds the chart and version it is filed under: the cache is keyed
 * by file name, and a renamed or wrong archive would otherwise be rendered in its place.
 */
export function checkArchive(file: string, chart: string, version: string): void {
  const text = chartFile(file, "Chart.yaml");
  const metadata = (text === undefined ? {} : parseYaml(text)) as {
    name?: unknown;
    version?: unknown;
  };
  if (metadata.name !== chart || metadata.version !== version) {
    throw new Error(
      `${file} holds ${String(metadata.name)} ${String(metadata.version)}, not ${chart} ${version}`,
    );
  }
}
