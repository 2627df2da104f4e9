/**
 * summary.md, the pull-request comment: a first line that names the worst change, the protected
 * resources at risk in bold, counts per stack in promotion order, each stack's changes, and each
 * stack's full text plan folded and cut so the whole file stays within a character budget
 * (GitHub rejects comments over 65,536 characters).
 */
import type { AttributeChange } from "./attributes";
import {
  hasChanges,
  isRootCause,
  KINDS,
  type ChangeEntry,
  type PlanSummary,
  type ProtectedDestroy,
  type StackSummary,
} from "./summary";

/** GitHub's limit for a comment body, counted here in UTF-16 units (never fewer than characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Full text plan per stack name. */
  readonly planTexts: ReadonlyMap<string, string>;
  /** The file never exceeds this many characters; the text plans are cut to fit. */
  readonly maxChars: number;
  /** Where the full text plans are, for the note under a cut plan (`cdktf.out/plan`). */
  readonly planDirectory: string;
}

/** File name of a stack's full text plan, next to summary.md. */
export const planTextFile = (stack: string) => `${stack}.txt`;

/** An inline code span that survives backticks in the value. */
export function code(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longestRun + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

export function statusLabel(stack: StackSummary): string {
  if (stack.status === "failed") return "❌ plan failed";
  if (stack.status === "not-planned") return "⏭ not planned";
  const { create, update, replace, delete: destroy } = stack.counts;
  if (replace + destroy > 0) return `⚠ replaces ${replace} / destroys ${destroy}`;
  if (create + update > 0) return `✅ creates ${create} / updates ${update}`;
  return hasChanges(stack) ? "✅ outputs only" : "✅ no changes";
}

export const attributeText = (a: AttributeChange) => `${a.path}: ${a.before} → ${a.after}`;

const verbOf = (entry: ChangeEntry) => (entry.kind === "replace" ? "REPLACED" : "DESTROYED");

/** What happens to a destructive entry, and why, in a few words. */
function destructiveCause(entry: ChangeEntry): string {
  if (entry.attributes.length > 0) {
    const shown = entry.attributes.slice(0, 2).map((a) => code(attributeText(a)));
    const more = entry.attributes.length > 2 ? ` and ${entry.attributes.length - 2} more` : "";
    return `${verbOf(entry)}: ${shown.join(", ")}${more}`;
  }
  return entry.reason ? `${verbOf(entry)} (${entry.reason})` : verbOf(entry);
}

/** The first line: the worst change, named, with the totals. */
function headline(summary: PlanSummary): string {
  const { create, update, replace, delete: destroy } = summary.totals;
  const destructive = summary.stacks.flatMap((s) => s.destructive);
  const [firstProtected] = summary.protectedDestroys;
  if (destructive.length > 0 || firstProtected) {
    const counts =
      `${replace} replaced, ${destroy} destroyed` +
      (firstProtected ? ` (${summary.protectedDestroys.length} protected)` : "");
    // A replacement whose forcing values are all known is a cause; the others follow from it.
    const lead = destructive.find(isRootCause) ?? destructive[0];
    // Without planned destruction, what is protected was refused by Terraform.
    const what = lead
      ? `${code(lead.name)} ${destructiveCause(lead)}`
      : `Terraform refused to plan ${code(firstProtected.name)}: it would destroy a prevent_destroy resource`;
    return `## ⚠ Destructive plan: ${counts} — ${what}`;
  }
  if (summary.failed.length > 0) return `## ❌ Terraform plan failed: ${summary.failed.join(", ")}`;
  if (create + update > 0) return `## Terraform plan: ${create} to create, ${update} to update`;
  return "## ✅ Terraform plan: no changes";
}

function protectedLine(p: ProtectedDestroy): string {
  const what =
    p.kind === "refused"
      ? "Terraform refused the plan: it would DESTROY it"
      : p.kind === "replace"
        ? "would be REPLACED"
        : "would be DESTROYED";
  // Construct paths start with the stack; addresses of removed resources do not.
  const stack = p.name.startsWith(`${p.stack}/`) ? "" : ` in ${p.stack}`;
  const line = `**🔒 ${code(p.name)}${stack} ${what}** (protected: ${p.protection.join(", ")})`;
  return p.consequence ? `${line}. ${p.consequence}` : line;
}

function alerts(summary: PlanSummary): string[] {
  const out: string[] = [];
  const { replace, delete: destroy } = summary.totals;
  const destructiveStacks = summary.stacks.filter((s) => s.destructive.length > 0).length;
  if (replace + destroy > 0 || summary.protectedDestroys.length > 0) {
    out.push(
      "> [!CAUTION]",
      `> **${plural(replace, "resource")} replaced (destroyed and re-created) and ${destroy} destroyed, ` +
        `in ${destructiveStacks} of ${plural(summary.stacks.length, "stack")}.** Read them before approving.`,
      ...summary.protectedDestroys.flatMap((p) => [">", `> ${protectedLine(p)}`]),
      "",
    );
  }
  const problems = [
    ...(summary.failed.length > 0 ? [`❌ Plan failed: ${summary.failed.join(", ")}.`] : []),
    ...(summary.notPlanned.length > 0
      ? [`⏭ Not planned: ${summary.notPlanned.join(", ")} (reasons below).`]
      : []),
  ];
  if (problems.length > 0) out.push("> [!WARNING]", ...problems.map((p) => `> ${p}`), "");
  const empty = summary.stacks.filter((s) => s.emptyState && s.status === "planned");
  const notes = [
    ...(summary.offline
      ? [
          "Planned **offline**: fake credentials, local state, no refresh. This shows what the " +
            "configuration would do to the local state, not to the real account.",
        ]
      : []),
    ...(empty.length > 0
      ? [
          `Planned against **empty state** (every resource shows as a create): ${empty.map((s) => s.name).join(", ")}.`,
        ]
      : []),
  ];
  if (notes.length > 0) out.push("> [!NOTE]", ...notes.map((n) => `> ${n}`), "");
  return out;
}

function table(summary: PlanSummary): string[] {
  const out = [
    "| Stack | Status | Create | Update | Replace | Destroy |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  for (const s of summary.stacks) {
    const cells = KINDS.map((k) => (s.status === "planned" ? String(s.counts[k]) : "–"));
    out.push(`| ${s.name} | ${statusLabel(s)} | ${cells.join(" | ")} |`);
  }
  out.push(`| **Total** | | ${KINDS.map((k) => `**${summary.totals[k]}**`).join(" | ")} |`, "");
  return out;
}

const mermaidId = (name: string) => `s_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** Mermaid text escapes: quotes would end the label. */
const mermaidText = (text: string) => text.replace(/"/g, "#quot;");

/** A Mermaid graph of the stacks, each dependency pointing at the stack that reads it. */
export function renderMermaid(summary: PlanSummary): string {
  const lines = ["graph LR"];
  for (const stack of summary.stacks) {
    const style = stack.destructive.length > 0 ? "destructive" : stack.status.replace("-", "");
    lines.push(
      `  ${mermaidId(stack.name)}["${mermaidText(`${stack.name}<br/>${statusLabel(stack)}`)}"]:::${style}`,
    );
  }
  const names = new Set(summary.stacks.map((s) => s.name));
  for (const stack of summary.stacks) {
    for (const dependency of stack.dependencies) {
      // A dependency outside the selection is still drawn, so the reader sees what the stack reads.
      if (!names.has(dependency))
        lines.push(`  ${mermaidId(dependency)}["${mermaidText(dependency)}"]`);
      lines.push(`  ${mermaidId(dependency)} --> ${mermaidId(stack.name)}`);
    }
  }
  lines.push(
    "  classDef planned fill:#dff5e1,stroke:#2e7d32",
    "  classDef destructive fill:#fff3cd,stroke:#e65100,stroke-width:3px",
    "  classDef failed fill:#fde0e0,stroke:#c62828",
    "  classDef notplanned fill:#eeeeee,stroke:#757575,stroke-dasharray:4",
  );
  return lines.join("\n");
}

/** Attribute lines shown per resource; the full plan has the rest. */
const MAX_ATTRIBUTES = 10;

function attributeLines(attributes: readonly AttributeChange[]): string[] {
  const shown = attributes.slice(0, MAX_ATTRIBUTES).map((a) => `  - ${code(attributeText(a))}`);
  const hidden = attributes.length - shown.length;
  return hidden > 0 ? [...shown, `  - … and ${hidden} more (see the full plan)`] : shown;
}

function destructiveLines(entry: ChangeEntry): string[] {
  const name = `${code(entry.name)} ${code(entry.type)}`;
  const forced = entry.attributes.length > 0 ? ", forced by:" : "";
  const protection = entry.protection.length > 0 ? `protected: ${entry.protection.join(", ")}` : "";
  const why = [protection, entry.reason ?? ""].filter(Boolean).join("; ");
  const detail = why ? ` (${why})` : "";
  const head =
    entry.protection.length > 0
      ? `- **🔒 ${name} ${verbOf(entry)}**${detail}${forced}`
      : `- ${name} ⚠ ${verbOf(entry)}${detail}${forced}`;
  return [
    head,
    ...attributeLines(entry.attributes),
    ...(entry.consequence ? [`  - ⚠ **${entry.consequence}**`] : []),
  ];
}

/** A stack's section without its text plan. */
function stackSection(stack: StackSummary): string[] {
  const out = [`### ${stack.name}: ${statusLabel(stack)}`, ""];
  if (stack.reason) out.push(`Reason: ${escapeHtml(stack.reason.replace(/\s+/g, " "))}`, "");
  if (stack.destructive.length > 0) {
    out.push("**Replaced or destroyed**", "", ...stack.destructive.flatMap(destructiveLines), "");
  }
  if (stack.updates.length > 0) {
    out.push(
      `**Updated in place** (${stack.updates.length})`,
      "",
      ...stack.updates.flatMap((e) => [
        `- ${code(e.name)} ${code(e.type)}`,
        ...attributeLines(e.attributes),
      ]),
      "",
    );
  }
  if (stack.creates.length > 0) {
    out.push(
      `**Created** (${stack.counts.create}): ` +
        stack.creates.map((c) => `${code(c.type)} × ${c.count}`).join(", "),
      "",
    );
  }
  if (stack.outputChanges > 0) out.push(`Outputs changed: ${stack.outputChanges}`, "");
  if (stack.status === "planned" && !hasChanges(stack)) out.push("No changes.", "");
  return out;
}

/**
 * A stack's text plan in a folded block of at most `budget` characters: cut at a line, with a
 * note saying where the whole plan is; empty when not even the note fits.
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
    .split("\n");
  const longestRun = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longestRun + 1);
  const file = code(`${planDirectory}/${planTextFile(stack)}`);
  const block = (shown: number): string => {
    const cut =
      shown < lines.length
        ? `\n_Cut after ${shown} of ${lines.length} lines to fit the comment: the whole plan is ${file} (in the run's plan artifact)._\n`
        : "";
    return [
      `<details><summary>Full plan of ${stack} (${plural(lines.length, "line")})</summary>`,
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
  const note = `_Full plan of ${stack}: ${file} (in the run's plan artifact)._\n\n`;
  return note.length <= budget ? note : "";
}

/**
 * Text plan blocks within `budget` in total: each stack gets an equal share of what is left, and
 * a plan shorter than its share leaves the rest to the others.
 */
function planTextBlocks(
  stacks: readonly StackSummary[],
  options: MarkdownOptions,
  budget: number,
): Map<string, string> {
  const withText = stacks
    .map((s) => ({ name: s.name, text: options.planTexts.get(s.name) ?? "" }))
    .filter((s) => s.text.trim().length > 0)
    .sort((a, b) => a.text.length - b.text.length);
  const blocks = new Map<string, string>();
  let left = budget;
  withText.forEach((s, i) => {
    const share = Math.floor(left / (withText.length - i));
    const block = planTextBlock(s.name, s.text, share, options.planDirectory);
    blocks.set(s.name, block);
    left -= block.length;
  });
  return blocks;
}

/** Cuts an over-long summary at a line, closing an open code fence, with a note. */
function cutToFit(text: string, maxChars: number): string {
  const note =
    "\n\n_Summary cut to fit the comment: summary.json and the full plans are in the run's plan artifact._\n";
  const kept = text.slice(0, Math.max(0, maxChars - note.length - 4));
  const lines = kept.slice(0, Math.max(0, kept.lastIndexOf("\n"))).split("\n");
  const openFence = lines.filter((l) => /^```/.test(l)).length % 2 === 1;
  return `${lines.join("\n")}${openFence ? "\n```" : ""}${note}`;
}

export function renderMarkdown(summary: PlanSummary, options: MarkdownOptions): string {
  const head = [
    headline(summary),
    "",
    ...alerts(summary),
    ...table(summary),
    "```mermaid",
    renderMermaid(summary),
    "```",
    "",
  ].join("\n");
  const sections = summary.stacks.map((s) => stackSection(s).join("\n"));
  const assemble = (blocks: ReadonlyMap<string, string>) =>
    [head, ...summary.stacks.map((s, i) => `${sections[i]}\n${blocks.get(s.name) ?? ""}`)].join(
      "\n",
    );
  const essential = assemble(new Map());
  if (essential.length > options.maxChars) return cutToFit(essential, options.maxChars);
  return assemble(planTextBlocks(summary.stacks, options, options.maxChars - essential.length));
}
