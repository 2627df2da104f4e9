/**
 * The pieces of summary.md: the first line naming the worst change, the alerts, the counts table,
 * the stack diagram and each stack's section. Every string from a plan, a configuration or an
 * error goes through escape.ts: inside code spans, escaped and capped.
 */
import { appendAll } from "../lib/append";
import type { AttributeChange } from "./attributes";
import type { CrossStackEffect } from "./cross-stack";
import { cap, cellCode, code, MAX_NAME, MAX_REASON, visible } from "./escape";
import type { KubernetesEffect } from "./kubernetes/effects";
import {
  hasChanges,
  isRootCause,
  KINDS,
  type ChangeEntry,
  type PlanSummary,
  type ProtectedDestroy,
  type StackSummary,
} from "./summary";

export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

const name = (text: string) => code(text, MAX_NAME);

const severe = (e: KubernetesEffect) => e.severity !== "change";

export function statusLabel(stack: StackSummary): string {
  if (stack.status === "failed") return "❌ plan failed";
  if (stack.status === "not-planned")
    return stack.afterApplyOf ? "⏳ planned after an apply" : "⏭ not planned";
  const { create, update, replace, delete: destroy } = stack.counts;
  if (replace + destroy > 0) return `⚠ replaces ${replace} / destroys ${destroy}`;
  if (stack.kubernetes.some((e) => e.severity === "destructive"))
    return "⚠ deletes in the cluster";
  if (stack.kubernetes.some((e) => e.severity === "disruptive")) return "⚠ disrupts the cluster";
  const adopts = stack.adopted.length;
  const own =
    create + update > 0
      ? `✅ creates ${create} / updates ${update}${adopts > 0 ? ` / adopts ${adopts}` : ""}`
      : adopts > 0
        ? `✅ adopts ${adopts}`
        : hasChanges(stack)
          ? "✅ outputs only"
          : "✅ no changes";
  return stack.upstream.length > 0 ? `${own}, ⏳ more after an apply` : own;
}

export const attributeText = (a: AttributeChange) =>
  `${cap(a.path, MAX_NAME)}: ${a.before} → ${a.after}`;

const attribute = (a: AttributeChange) => code(attributeText(a));

const verbOf = (entry: ChangeEntry) => (entry.kind === "replace" ? "REPLACED" : "DESTROYED");

/** What happens to a destructive entry, and why, in a few words. */
function destructiveCause(entry: ChangeEntry): string {
  if (entry.attributes.length > 0) {
    const shown = entry.attributes.slice(0, 2).map(attribute);
    const more = entry.attributes.length > 2 ? ` and ${entry.attributes.length - 2} more` : "";
    return `${verbOf(entry)}: ${shown.join(", ")}${more}`;
  }
  return entry.reason ? `${verbOf(entry)} (${entry.reason})` : verbOf(entry);
}

const EFFECT_VERBS: Readonly<Record<KubernetesEffect["action"], string>> = {
  deleted: "DELETED",
  changed: "CHANGED",
  created: "created",
  upgraded: "UPGRADED",
  uninstalled: "UNINSTALLED",
  reinstalled: "REINSTALLED",
  unknown: "changed",
};

/** `NodePool general` in `dev-platform/node-pools/manifests/release` DELETED: `cause`: consequence. */
export function effectText(effect: KubernetesEffect): string {
  const subject = effect.object
    ? `${name(effect.object)} in ${name(effect.release)}`
    : name(effect.release);
  const cause = effect.cause ? `${attribute(effect.cause)}: ` : "";
  return `${subject} ${EFFECT_VERBS[effect.action]}: ${cause}${effect.consequence}`;
}

/** The first line: the worst change, named, with the totals. */
export function headline(summary: PlanSummary): string {
  const { create, update, replace, delete: destroy } = summary.totals;
  const destructive = summary.stacks.flatMap((s) => s.destructive);
  const effects = summary.stacks.flatMap((s) => s.kubernetes).filter(severe);
  const inCluster = summary.kubernetes.destructive;
  const [firstProtected] = summary.protectedDestroys;
  if (destructive.length > 0 || firstProtected || inCluster > 0) {
    const counts =
      `${replace} replaced, ${destroy} destroyed` +
      (firstProtected ? ` (${summary.protectedDestroys.length} protected)` : "") +
      (inCluster > 0 ? `, ${inCluster} destructive in the cluster` : "");
    // A replacement whose forcing values are all known is a cause; the others follow from it.
    const rootCause = destructive.find(isRootCause);
    const firstEffect = effects.find((e) => e.severity === "destructive");
    const what = rootCause
      ? `${name(rootCause.name)} ${destructiveCause(rootCause)}`
      : firstEffect
        ? effectText(firstEffect)
        : destructive[0]
          ? `${name(destructive[0].name)} ${destructiveCause(destructive[0])}`
          : // Without planned destruction, what is protected was refused by Terraform.
            `Terraform refused to plan ${name(firstProtected.name)}: it would destroy a prevent_destroy resource`;
    return `## ⚠ Destructive plan: ${counts} — ${what}`;
  }
  if (effects.length > 0) {
    return (
      `## ⚠ Disruptive plan: ${create} to create, ${update} to update, ` +
      `${summary.kubernetes.disruptive} disruptive in the cluster — ${effectText(effects[0])}`
    );
  }
  if (summary.failed.length > 0)
    return `## ❌ Terraform plan failed: ${summary.failed.map(name).join(", ")}`;
  const later = summary.stacks.find((s) => s.upstream.length > 0);
  const after = later
    ? ` — ${name(later.name)} changes after ${name(later.upstream[0].from)} applies`
    : "";
  if (create + update > 0)
    return `## Terraform plan: ${create} to create, ${update} to update${after}`;
  return `## ✅ Terraform plan: no changes${after}`;
}

function protectedLine(p: ProtectedDestroy): string {
  const what =
    p.kind === "refused"
      ? "Terraform refused the plan: it would DESTROY it"
      : p.kind === "replace"
        ? "would be REPLACED"
        : "would be DESTROYED";
  // Construct paths start with the stack; addresses of removed resources do not.
  const stack = p.name.startsWith(`${p.stack}/`) ? "" : ` in ${visible(cap(p.stack, MAX_NAME))}`;
  const line = `**🔒 ${name(p.name)}${stack} ${what}** (protected: ${p.protection.join(", ")})`;
  return p.consequence ? `${line}. ${p.consequence}` : line;
}

/** `dev-infra/cluster/cluster.version: 1.33 → 1.34` → `dev-platform/system-node-group/node-group` (version). */
function upstreamLine(stack: string, effect: CrossStackEffect): string {
  const outputs = effect.outputs
    .slice(0, 3)
    .map((o) => code(`${cap(o.source ?? o.output, MAX_NAME)}: ${o.before} → ${o.after}`));
  const moreOutputs = effect.outputs.length > 3 ? ` and ${effect.outputs.length - 3} more` : "";
  const readers = effect.dependents.slice(0, 3).map((d) => name(d.name));
  const moreReaders =
    effect.dependents.length > 3 ? ` and ${effect.dependents.length - 3} more` : "";
  return (
    `${name(stack)} changes after ${name(effect.from)} applies: ${outputs.join(", ")}${moreOutputs}` +
    (readers.length > 0 ? `, read by ${readers.join(", ")}${moreReaders}` : "")
  );
}

/** A list of alert lines, at most `limit` of them, with a count of the rest. */
function limited(lines: readonly string[], limit: number, rest: string): string[] {
  if (lines.length <= limit) return [...lines];
  return [...lines.slice(0, limit), `… and ${lines.length - limit} more ${rest}`];
}

/** The alert blocks; `limit` caps the items each lists (the counts are always given). */
export function alerts(summary: PlanSummary, limit: number): string[] {
  const out: string[] = [];
  const { replace, delete: destroy } = summary.totals;
  const destructiveStacks = summary.stacks.filter((s) => s.destructive.length > 0).length;
  const effects = summary.stacks.flatMap((s) => s.kubernetes).filter(severe);
  if (replace + destroy > 0 || summary.protectedDestroys.length > 0 || effects.length > 0) {
    out.push("> [!CAUTION]");
    if (replace + destroy > 0 || summary.protectedDestroys.length > 0) {
      out.push(
        `> **${plural(replace, "resource")} replaced (destroyed and re-created) and ${destroy} destroyed, ` +
          `in ${destructiveStacks} of ${plural(summary.stacks.length, "stack")}.** Read them before approving.`,
        ...limited(
          summary.protectedDestroys.map(protectedLine),
          limit,
          "protected (below)",
        ).flatMap((line) => [">", `> ${line}`]),
      );
    }
    if (effects.length > 0) {
      if (out.length > 1) out.push(">");
      out.push(
        `> **Inside the cluster: ${summary.kubernetes.destructive} destructive, ` +
          `${summary.kubernetes.disruptive} disruptive.**`,
        ...limited(
          effects.map((e) => `⚠ ${effectText(e)}`),
          limit,
          "(below)",
        ).map((line) => `> - ${line}`),
      );
    }
    out.push("");
  }
  const upstream = summary.stacks.flatMap((s) => s.upstream.map((e) => upstreamLine(s.name, e)));
  if (upstream.length > 0) {
    out.push(
      "> [!IMPORTANT]",
      "> **Not in these plans: changes after another stack applies.** Each stack is planned against its own state.",
      ...limited(upstream, limit, "(below)").map((line) => `> - ${line}`),
      "",
    );
  }
  const waiting = summary.stacks.filter((s) => s.status === "not-planned" && s.afterApplyOf);
  const skipped = summary.stacks.filter((s) => s.status === "not-planned" && !s.afterApplyOf);
  const problems = [
    ...(summary.failed.length > 0
      ? [`❌ Plan failed: ${summary.failed.map(name).join(", ")}.`]
      : []),
    ...(skipped.length > 0
      ? [`⏭ Not planned: ${skipped.map((s) => name(s.name)).join(", ")} (reasons below).`]
      : []),
    ...waiting.map(
      (s) =>
        `⏳ ${name(s.name)} is planned after ${name(s.afterApplyOf ?? "")} applies (reason below).`,
    ),
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
          `Planned against **empty state** (every resource shows as a create): ${empty.map((s) => visible(cap(s.name, MAX_NAME))).join(", ")}.`,
        ]
      : []),
  ];
  if (notes.length > 0) out.push("> [!NOTE]", ...notes.map((n) => `> ${n}`), "");
  return out;
}

/** The counts per stack; with `quietRows` false, stacks without changes are only counted. */
export function table(summary: PlanSummary, quietRows: boolean): string[] {
  const out = [
    "| Stack | Status | Create | Update | Replace | Destroy |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  const quiet = (s: StackSummary) =>
    s.status === "planned" &&
    !hasChanges(s) &&
    s.kubernetes.length === 0 &&
    s.upstream.length === 0;
  const shown = quietRows ? summary.stacks : summary.stacks.filter((s) => !quiet(s));
  for (const s of shown) {
    const cells = KINDS.map((k) => (s.status === "planned" ? String(s.counts[k]) : "–"));
    out.push(`| ${cellCode(s.name)} | ${statusLabel(s)} | ${cells.join(" | ")} |`);
  }
  const hidden = summary.stacks.length - shown.length;
  if (hidden > 0) out.push(`| … ${plural(hidden, "more stack")} | ✅ no changes | | | | |`);
  out.push(`| **Total** | | ${KINDS.map((k) => `**${summary.totals[k]}**`).join(" | ")} |`, "");
  return out;
}

const mermaidId = (text: string) => `s_${text.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** Mermaid label text: entity codes for what would end or format the label. */
const mermaidText = (text: string) =>
  visible(cap(text, MAX_NAME)).replace(/["<>`#&]/g, (c) => `#${c.codePointAt(0)};`);

/** A Mermaid graph of the stacks, each dependency pointing at the stack that reads it. */
export function renderMermaid(summary: PlanSummary): string {
  const lines = ["graph LR"];
  const destructive = (s: StackSummary) =>
    s.destructive.length > 0 || s.kubernetes.some((e) => e.severity === "destructive");
  for (const stack of summary.stacks) {
    const style = destructive(stack) ? "destructive" : stack.status.replace("-", "");
    lines.push(
      `  ${mermaidId(stack.name)}["${mermaidText(stack.name)}<br/>${mermaidText(statusLabel(stack))}"]:::${style}`,
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
  const shown = attributes.slice(0, MAX_ATTRIBUTES).map((a) => `  - ${attribute(a)}`);
  const hidden = attributes.length - shown.length;
  return hidden > 0 ? [...shown, `  - … and ${hidden} more (see the full plan)`] : shown;
}

function destructiveLines(entry: ChangeEntry): string[] {
  const subject = `${name(entry.name)} ${name(entry.type)}`;
  const forced = entry.attributes.length > 0 ? ", forced by:" : "";
  const protection = entry.protection.length > 0 ? `protected: ${entry.protection.join(", ")}` : "";
  const why = [protection, entry.reason ?? ""].filter(Boolean).join("; ");
  const detail = why ? ` (${why})` : "";
  const head =
    entry.protection.length > 0
      ? `- **🔒 ${subject} ${verbOf(entry)}**${detail}${forced}`
      : `- ${subject} ⚠ ${verbOf(entry)}${detail}${forced}`;
  return [
    head,
    ...attributeLines(entry.attributes),
    ...(entry.consequence ? [`  - ⚠ **${entry.consequence}**`] : []),
  ];
}

function upstreamLines(effect: CrossStackEffect): string[] {
  return [
    `**Changes after ${name(effect.from)} applies** (not in this plan: it reads ${name(effect.from)}'s outputs from its state, which still holds the old values)`,
    "",
    ...effect.outputs.map(
      (o) => `- output ${code(`${cap(o.source ?? o.output, MAX_NAME)}: ${o.before} → ${o.after}`)}`,
    ),
    ...effect.dependents.map(
      (d) =>
        `- ${name(d.name)} ${name(d.type)} reads it (${d.via.map((v) => code(v, MAX_NAME)).join(", ")})`,
    ),
    ...(effect.providers.length > 0
      ? [`- the ${effect.providers.map(name).join(", ")} provider(s) connect with it`]
      : []),
    "",
  ];
}

/** A stack's section without its text plan, as lines. */
export function stackSection(stack: StackSummary): string[] {
  const out = [`### ${name(stack.name)}: ${statusLabel(stack)}`, ""];
  if (stack.reason) out.push(`Reason: ${code(stack.reason.replace(/\s+/g, " "), MAX_REASON)}`, "");
  if (stack.note) out.push(`Note: ${code(stack.note.replace(/\s+/g, " "), MAX_REASON)}`, "");
  for (const effect of stack.upstream) appendAll(out, upstreamLines(effect));
  if (stack.kubernetes.length > 0) {
    appendAll(out, [
      `**Inside the cluster** (${plural(stack.kubernetes.length, "change")})`,
      "",
      ...stack.kubernetes.map((e) => `- ${severe(e) ? "⚠ " : ""}${effectText(e)}`),
      "",
    ]);
  }
  if (stack.destructive.length > 0) {
    appendAll(out, [
      "**Replaced or destroyed**",
      "",
      ...stack.destructive.flatMap(destructiveLines),
      "",
    ]);
  }
  if (stack.updates.length > 0) {
    appendAll(out, [
      `**Updated in place** (${stack.updates.length})`,
      "",
      ...stack.updates.flatMap((e) => [
        `- ${name(e.name)} ${name(e.type)}${e.rerun ? ` ${e.reason}` : ""}`,
        ...attributeLines(e.attributes),
      ]),
      "",
    ]);
  }
  if (stack.adopted.length > 0) {
    appendAll(out, [
      `**Adopted** (${stack.adopted.length}): existing objects imported into the state, not created`,
      "",
      ...stack.adopted.map((e) => `- ${name(e.name)} ${name(e.type)} ${code(e.id, MAX_NAME)}`),
      "",
    ]);
  }
  if (stack.creates.length > 0) {
    out.push(
      `**Created** (${stack.counts.create}): ` +
        stack.creates.map((c) => `${name(c.type)} × ${c.count}`).join(", "),
      "",
    );
  }
  if (stack.outputChanges > 0) out.push(`Outputs changed: ${stack.outputChanges}`, "");
  if (stack.status === "planned" && !hasChanges(stack)) out.push("No changes.", "");
  return out;
}
