/**
 * The summary files, written the same way by `npm run plan` and `npm run plan-summary`:
 * summary.md (the pull-request comment), summary.json (the same data, sensitive values masked)
 * and each stack's text plan as `<stack>.txt`.
 */
import * as fs from "fs";
import * as path from "path";
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

/** Replaces `planDir` with the summary files of `inputs`. */
export function writeSummaryFiles(
  planDir: string,
  inputs: readonly StackPlanInput[],
  options: SummaryFilesOptions,
): PlanSummary {
  const rendered = renderSummary(inputs, {
    ...options,
    planDirectory: path.relative(process.cwd(), planDir) || ".",
  });
  fs.rmSync(planDir, { recursive: true, force: true });
  fs.mkdirSync(planDir, { recursive: true });
  for (const input of inputs) {
    if (input.planText)
      fs.writeFileSync(path.join(planDir, planTextFile(input.name)), input.planText);
  }
  fs.writeFileSync(path.join(planDir, "summary.json"), rendered.json);
  fs.writeFileSync(path.join(planDir, "summary.md"), rendered.markdown);
  return rendered.summary;
}
