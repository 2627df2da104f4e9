/**
 * The summary files, written the same way by `npm run plan` and `npm run plan-summary`:
 * summary.md (the pull-request comment), summary.json (the same data, sensitive values masked)
 * and each stack's text plan as `<stack>.txt`.
 */
import * as fs from "fs";
import * as path from "path";
import { displayName } from "../../constructs/shared/validation/display";
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

/** What this module writes into a summary folder, and nothing else: summary.* and `<stack>.txt`. */
const SUMMARY_FILE = /^(summary\.(md|json)|[A-Za-z0-9._-]+\.txt)$/;

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
  const foreign = entries.filter((e) => !e.isFile() || !SUMMARY_FILE.test(e.name));
  if (foreign.length > 0) {
    throw new Error(
      `${shown} holds files a summary did not write (${foreign
        .slice(0, 3)
        .map((e) => displayName(e.name))
        .join(", ")}${foreign.length > 3 ? ", …" : ""}): name a new or empty folder for the ` +
        "summary files; only summary.md, summary.json and <stack>.txt files are replaced",
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
  for (const input of inputs) {
    if (input.planText)
      fs.writeFileSync(path.join(planDir, planTextFile(input.name)), input.planText);
  }
  fs.writeFileSync(path.join(planDir, "summary.json"), rendered.json);
  fs.writeFileSync(path.join(planDir, "summary.md"), rendered.markdown);
  return rendered.summary;
}
