/**
 * The summary files, written the same way by `npm run plan` and `npm run plan-summary`:
 * summary.md (the pull-request comment), summary.json (the same data, sensitive values masked)
 * and each stack's text plan as `<stack>.txt`.
 */
import * as fs from "fs";
import * as path from "path";
import { displayName } from "../../constructs/shared/validation/display";
import { readBoundedFile } from "../lib/bounded-file";
import { isRecord } from "../lib/is-record";
import { planTextFile, renderMarkdown } from "./markdown";
import { buildSummary, type PlanSummary, type StackPlanInput } from "./summary";

export interface SummaryFilesOptions {
  readonly offline: boolean;
  /** Buckets the app's S3 backends keep state in: protected as state buckets. */
  readonly stateBuckets?: readonly string[];
  /** Longest summary.md. */
  readonly maxChars: number;
}

export interface RenderedSummary {
  readonly summary: PlanSummary;
  readonly markdown: string;
  readonly json: string;
}

/** The summary of `inputs` (in promotion order) as Markdown and JSON. */
export function renderSummary(
  inputs: readonly StackPlanInput[],
  options: SummaryFilesOptions & { readonly planDirectory: string },
): RenderedSummary {
  const summary = buildSummary(inputs, options);
  const planTexts = new Map(
    inputs.flatMap((i) => (i.planText ? [[i.name, i.planText] as const] : [])),
  );
  return {
    summary,
    markdown: renderMarkdown(summary, {
      planTexts,
      maxChars: options.maxChars,
      planDirectory: options.planDirectory,
    }),
    json: `${JSON.stringify(summary, null, 2)}\n`,
  };
}

/** The most of an earlier summary.json read, to learn which text plans it wrote. */
const MAX_SUMMARY_JSON_BYTES = 64 * 1024 * 1024;

/**
 * The files an earlier summary in `planDir` wrote: summary.md, summary.json and the text plan of
 * each stack its summary.json lists. None when there is no readable summary.json: then no file of
 * the folder is taken for a summary's (a `notes.txt` is the user's, not a stack's text plan).
 */
function earlierSummaryFiles(planDir: string): Set<string> {
  let stacks: unknown;
  try {
    const json = JSON.parse(
      readBoundedFile(path.join(planDir, "summary.json"), MAX_SUMMARY_JSON_BYTES, "summary"),
    ) as unknown;
    stacks = isRecord(json) ? json.stacks : undefined;
  } catch {
    return new Set();
  }
  if (!Array.isArray(stacks)) return new Set();
  const names = stacks.flatMap((stack) =>
    isRecord(stack) && typeof stack.name === "string" ? [planTextFile(stack.name)] : [],
  );
  return new Set(["summary.md", "summary.json", ...names]);
}

/**
 * Empties `planDir` of an earlier summary's files, or makes it. A folder that holds anything else
 * (a source tree, a file the user keeps) is refused, not cleared: the folder comes from the
 * command line (`--outdir`).
 */
function prepareSummaryFolder(planDir: string): void {
  const shown = displayName(path.relative(process.cwd(), planDir) || ".");
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(planDir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      fs.mkdirSync(planDir, { recursive: true });
      return;
    }
    if (code === "ENOTDIR") {
      throw new Error(
        `${shown} is a file, not a folder: name a new or empty folder for the summary files`,
      );
    }
    throw error;
  }
  const owned = entries.length > 0 ? earlierSummaryFiles(planDir) : new Set<string>();
  const foreign = entries.filter((e) => !e.isFile() || !owned.has(e.name));
  if (foreign.length > 0) {
    throw new Error(
      `${shown} holds files a summary did not write (${foreign
        .slice(0, 3)
        .map((e) => displayName(e.name))
        .join(", ")}${foreign.length > 3 ? ", …" : ""}): name a new or empty folder for the ` +
        "summary files; only an earlier summary's files (summary.md, summary.json and the text " +
        "plans it lists) are replaced",
    );
  }
  for (const entry of entries) fs.rmSync(path.join(planDir, entry.name));
}

/** Replaces the summary files in `planDir` (refusing a folder that holds anything else). */
export function writeSummaryFiles(
  planDir: string,
  inputs: readonly StackPlanInput[],
  options: SummaryFilesOptions,
): PlanSummary {
  const rendered = renderSummary(inputs, {
    ...options,
    planDirectory: path.relative(process.cwd(), planDir) || ".",
  });
  prepareSummaryFolder(planDir);
  // summary.json first: it lists the text plans, so a run stopped halfway leaves a folder the
  // next run recognizes as a summary's.
  fs.writeFileSync(path.join(planDir, "summary.json"), rendered.json);
  fs.writeFileSync(path.join(planDir, "summary.md"), rendered.markdown);
  for (const input of inputs) {
    if (input.planText)
      fs.writeFileSync(path.join(planDir, planTextFile(input.name)), input.planText);
  }
  return rendered.summary;
}
