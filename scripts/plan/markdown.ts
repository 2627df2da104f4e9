/**
 * summary.md, the pull-request comment, within a character budget (GitHub rejects comments over
 * 65,536 characters). What a reviewer must see is never cut: the first line naming the worst
 * change, the alerts and the counts come first and are sized to fit (long lists give a count of
 * the rest). Then, as room allows, the stack diagram, each stack's changes, and each stack's full
 * text plan folded: each stack gets a fair share, cut at a line with a note saying where the
 * whole is.
 */
import { cap, code, MAX_NAME, visible } from "./escape";
import { alerts, headline, plural, renderMermaid, stackSection, table } from "./markdown-parts";
import type { PlanSummary } from "./summary";

export { attributeText, renderMermaid, statusLabel } from "./markdown-parts";
export { code } from "./escape";

/** GitHub's limit for a comment body, counted here in UTF-16 units (never fewer than characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Full text plan per stack name. */
  readonly planTexts: ReadonlyMap<string, string>;
  /** The file never exceeds this many characters. */
  readonly maxChars: number;
  /** Where the full text plans are, for the note under a cut plan (`cdktf.out/plan`). */
  readonly planDirectory: string;
}

/** File name of a stack's full text plan, next to summary.md: only safe characters. */
export const planTextFile = (stack: string) => `${stack.replace(/[^A-Za-z0-9._-]/g, "_")}.txt`;

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A stack's text plan in a folded block of at most `budget` characters: cut at a line, with a
 * note saying where the whole plan is; empty when not even the note fits. Every line is escaped,
 * and the fence is longer than any backtick run, so nothing in the plan can close the block.
 */
export function planTextBlock(
  stack: string,
  text: string,
  budget: number,
  planDirectory: string,
): string {
  const lines = text
    .replace(/^\s*\n/, "")
    .trimEnd()
    .split("\n")
    .map(visible);
  const longestRun = Math.max(
    2,
    ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)),
  );
  const fence = "`".repeat(longestRun + 1);
  const file = code(`${planDirectory}/${planTextFile(stack)}`);
  const title = `<code>${escapeHtml(visible(cap(stack, MAX_NAME)))}</code>`;
  const block = (shown: number): string => {
    const cut =
      shown < lines.length
        ? `\n_Cut after ${shown} of ${lines.length} lines to fit the comment: the whole plan is ${file} (in the run's plan artifact)._\n`
        : "";
    return [
      `<details><summary>Full plan of ${title} (${plural(lines.length, "line")})</summary>`,
      "",
      `${fence}text`,
      ...lines.slice(0, shown),
      fence,
      cut,
      "</details>",
      "",
      "",
    ].join("\n");
  };
  if (block(lines.length).length <= budget) return block(lines.length);
  // Longest prefix that fits: lengths grow with the line count, so bisect.
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (block(mid).length <= budget) low = mid;
    else high = mid - 1;
  }
  if (low > 0 && block(low).length <= budget) return block(low);
  const note = `_Full plan of ${code(stack, MAX_NAME)}: ${file} (in the run's plan artifact)._\n\n`;
  return note.length <= budget ? note : "";
}

/** A stack's section cut to `budget` at a line, with a note; empty when not even its heading fits. */
function sectionBlock(lines: readonly string[], budget: number): string {
  const whole = `${lines.join("\n")}\n`;
  if (whole.length <= budget) return whole;
  const note =
    "_… cut to fit the comment: summary.json (in the run's plan artifact) has every change._\n\n";
  let used = note.length;
  const kept: string[] = [];
  for (const line of lines) {
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  return kept.length > 0 ? `${kept.join("\n")}\n${note}` : "";
}

/**
 * One block per item within `budget` in total: each gets an equal share of what is left, and an
 * item smaller than its share leaves the rest to the others (smallest first).
 */
function fairShares<T>(
  items: readonly T[],
  size: (item: T) => number,
  render: (item: T, budget: number) => string,
  budget: number,
): Map<T, string> {
  const blocks = new Map<T, string>();
  let left = budget;
  [...items]
    .sort((a, b) => size(a) - size(b))
    .forEach((item, i, sorted) => {
      const block = render(item, Math.floor(left / (sorted.length - i)));
      blocks.set(item, block);
      left -= block.length;
    });
  return blocks;
}

/** The head: headline, alerts and counts, as complete as `maxChars` allows. */
function head(summary: PlanSummary, maxChars: number): string {
  const first = headline(summary);
  for (const [limit, quietRows] of [
    [20, true],
    [5, true],
    [1, false],
    [0, false],
  ] as const) {
    const text = [first, "", ...alerts(summary, limit), ...table(summary, quietRows)].join("\n");
    if (text.length <= maxChars) return text;
  }
  // Only with a tiny budget and very many stacks: the first line and the totals.
  const { create, update, replace, delete: destroy } = summary.totals;
  const totals = `Totals: ${create} to create, ${update} to update, ${replace} replaced, ${destroy} destroyed; every stack is in summary.json.`;
  return `${cap(first, Math.max(0, maxChars - totals.length - 4))}\n\n${totals}\n`;
}

export function renderMarkdown(summary: PlanSummary, options: MarkdownOptions): string {
  const top = `${head(summary, options.maxChars)}\n`;
  let left = options.maxChars - top.length;
  const mermaid = ["```mermaid", renderMermaid(summary), "```", "", ""].join("\n");
  const diagram = mermaid.length <= left ? mermaid : "";
  left -= diagram.length;

  const sections = summary.stacks.map((s) => stackSection(s));
  const sectionBlocks = fairShares(
    sections,
    (lines) => lines.join("\n").length,
    sectionBlock,
    left,
  );
  left -= [...sectionBlocks.values()].reduce((n, b) => n + b.length, 0);

  const texts = summary.stacks
    .map((s) => ({ name: s.name, text: options.planTexts.get(s.name) ?? "" }))
    .filter((s) => s.text.trim().length > 0);
  const textBlocks = fairShares(
    texts,
    (t) => t.text.length,
    (t, budget) => planTextBlock(t.name, t.text, budget, options.planDirectory),
    left,
  );
  const textOf = new Map(texts.map((t) => [t.name, textBlocks.get(t) ?? ""]));
  return [
    top,
    diagram,
    ...summary.stacks.map(
      (s, i) => `${sectionBlocks.get(sections[i]) ?? ""}${textOf.get(s.name) ?? ""}`,
    ),
  ].join("");
}
