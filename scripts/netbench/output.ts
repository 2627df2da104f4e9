import * as fs from "fs";
import * as path from "path";
import { renderMarkdown } from "./report-markdown";
import { renderSvg } from "./report-svg";
import type { BenchResult } from "./result";
import { compactTime } from "./format";

export interface WrittenFiles {
  readonly json: string;
  readonly markdown: string;
  readonly svg: string;
}

/** Writes `<outdir>/netbench/<env>-<time>.{json,md,svg}`. */
export function writeOutputs(
  outdir: string,
  result: BenchResult,
  earlier?: BenchResult,
): WrittenFiles {
  const directory = path.join(outdir, "netbench");
  fs.mkdirSync(directory, { recursive: true });
  const base = path.join(
    directory,
    `${result.environment}-${compactTime(new Date(result.startedAt))}`,
  );
  const files = { json: `${base}.json`, markdown: `${base}.md`, svg: `${base}.svg` };
  fs.writeFileSync(files.json, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(files.markdown, renderMarkdown(result, earlier));
  fs.writeFileSync(files.svg, renderSvg(result, earlier));
  return files;
}
